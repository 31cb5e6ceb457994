/** What the built-in test provider's book (`test_payment`) says of one authorization. */
export interface TestPaymentBook {
  amount: number;
  /** Sum and count of the captures: one charge is one capture of the whole amount. */
  captured: number;
  captures: number;
  refunded: number;
  voided: boolean;
}

/** `db`: the app's DataSource, or anything with a `query` that answers rows. */
export async function testPaymentBook(db: { query(sql: string, params: unknown[]): Promise<any[]> }, reference: string): Promise<TestPaymentBook | undefined> {
  const [book] = await db.query(
    `SELECT max(amount) FILTER (WHERE operation = 'authorize')::int AS amount,
            coalesce(sum(amount) FILTER (WHERE operation = 'capture'), 0)::int AS captured,
            count(*) FILTER (WHERE operation = 'capture')::int AS captures,
            coalesce(sum(amount) FILTER (WHERE operation = 'refund'), 0)::int AS refunded,
            bool_or(operation = 'void') AS voided
       FROM test_payment WHERE reference = $1 HAVING count(*) FILTER (WHERE operation = 'authorize') > 0`,
    [reference],
  );
  return book;
}
