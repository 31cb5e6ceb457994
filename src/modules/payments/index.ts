import { defineModule } from '../../core/module';

export {
  authorizeAtProvider,
  authorizePayment,
  bookAuthorizationSql,
  capturePayment,
  checkHeld,
  holdPaymentSql,
  newPayment,
  openPayment,
  openPaymentSql,
  recordRefund,
  refundPayment,
  type IssuedRefund,
  releasePayment,
  type AuthorizationState,
  type OpenPayment,
  type Refund,
} from './payment-ledger';
export { crashPoint } from './crash-point';
export { PaymentProviderUnavailable, type AuthorizationResult, type CardDetails, type PaymentProvider } from './payment-provider';

/** The payments ledger (`payment`), its recovery sweep and the providers' interface; no API of its own. */
export default defineModule({ name: 'payments', entities: [], resolvers: [] });
