import { ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Invoice } from './invoice.type';

@ObjectType()
export class InvoiceConnection extends connectionType('Invoice', Invoice) {}
