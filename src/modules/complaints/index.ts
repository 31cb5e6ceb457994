import { defineModule } from '../../core/module';
import { complaintLoaders } from './complaint.loaders';
import { ComplaintMutationsResolver } from './complaint-mutations.resolver';
import { ComplaintLineResolver, ComplaintRefundResolver, ComplaintResolver, SellerComplaintMetricsResolver } from './complaint.resolver';
import { ComplaintSubscriptionResolver } from './complaint.subscription';
import { complaintPrivacy } from './complaint.privacy';
import { findComplaint, findComplaintReturn } from './complaint.service';

export { startComplaintDeadlines, type ComplaintDeadlines } from './complaint-deadlines';
export { sellerComplaintMetrics } from './complaint-metrics';
export { Complaint, SellerComplaintMetrics } from './complaint.type';

/** Complaints and returns (issue 11): threads, deadlines, refunds with credit notes, replacements, returns. */
export default defineModule({
  name: 'complaints',
  entities: [],
  resolvers: [
    ComplaintResolver,
    ComplaintLineResolver,
    ComplaintRefundResolver,
    SellerComplaintMetricsResolver,
    ComplaintMutationsResolver,
    ComplaintSubscriptionResolver,
  ],
  loaders: complaintLoaders,
  nodes: { Complaint: findComplaint, ComplaintReturn: findComplaintReturn },
  privacy: complaintPrivacy,
});
