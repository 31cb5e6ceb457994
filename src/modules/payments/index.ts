import { defineModule } from '../../core/module';

export { recordCapture, recordRefund, type Capture, type Refund } from './payment-ledger';
export { PaymentProviderUnavailable, type AuthorizationResult, type CardDetails, type PaymentProvider } from './payment-provider';

/** The payments ledger (`payment`) and the providers' interface; no API of its own. */
export default defineModule({ name: 'payments', entities: [], resolvers: [] });
