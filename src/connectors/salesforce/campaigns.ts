import { failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import type { CallContext, MailingConnector } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import { createOnce } from '../remote/create-once.ts';
import { splitPersonName, UNKNOWN_NAME } from '../remote/person-name.ts';
import type { SalesforceDirectory } from './directory.ts';
import { budgetFor, insertRecord, soqlIds, soqlString, type Created, type SalesforceService } from './records.ts';

export interface CampaignOptions {
  readonly defaultCompany: string;
  readonly leadSource: string | undefined;
}

/**
 * A mailing list is a Campaign; a subscriber is a CampaignMember, which names a Contact or a Lead.
 * The visitor is the Contact with their email, else the Lead with it, else a new Lead (Company
 * defaulted). A member that already exists is success: subscribing twice changes nothing. The
 * member is looked up before it is created, so a lost answer never makes a second one (Salesforce
 * refuses a second member of a campaign anyway: DUPLICATE_VALUE "Already a campaign member.").
 */
export function createSalesforceCampaigns(mailing: SalesforceService, directory: SalesforceDirectory, opts: CampaignOptions): MailingConnector {
  return {
    async subscribe(req: SubscribeRequest, ctx: CallContext): Promise<Outcome> {
      const email = req.email.trim();
      if (email === '') return failure("Salesforce needs the visitor's email to add them to a campaign, and it is empty");
      const ref = req.list.trim();
      if (ref === '') return failure('the block names no campaign');
      const budget = budgetFor(mailing, ctx);
      const lower = ref.toLowerCase();
      const campaign = await directory.campaigns.find((c) => c.id === ref || c.id.slice(0, 15) === ref || c.name.toLowerCase() === lower, budget);
      if (!campaign) return failure(`Salesforce has no campaign named "${ref}"`);
      if (!campaign.active) return failure(`the Salesforce campaign "${campaign.name}" is not active`);

      const person = await findOrCreatePerson(mailing, req, ctx, opts, budget);
      if (person.kind === 'refused') return failure(`Salesforce refused the subscriber's lead: ${person.message}`);
      const field = person.object === 'Contact' ? 'ContactId' : 'LeadId';
      const find = async (): Promise<Created | undefined> => {
        const where = `CampaignId = ${soqlString(campaign.id)} AND ${field} = ${soqlString(person.id)}`;
        const [id] = await soqlIds(mailing, `SELECT Id FROM CampaignMember WHERE ${where} LIMIT 1`, budget);
        return id ? { kind: 'created', id } : undefined;
      };
      const existing = await find();
      if (existing) return success({ status: 'subscribed' });
      const member = await createOnce(
        { create: () => insertRecord(mailing, 'CampaignMember', { CampaignId: campaign.id, [field]: person.id }, budget), findOwn: find },
        false,
      );
      if (member.kind === 'created') return success({ status: 'subscribed' });
      if (member.kind === 'refused' && member.error?.errorCode === 'DUPLICATE_VALUE') return success({ status: 'subscribed' });
      if (member.kind === 'refused' && member.error?.errorCode === 'INVALID_CROSS_REFERENCE_KEY') directory.campaigns.forget();
      return failure(`Salesforce refused the member of "${campaign.name}": ${member.message}`);
    },
  };
}

type PersonFound =
  { readonly kind: 'found'; readonly object: 'Contact' | 'Lead'; readonly id: string } | { readonly kind: 'refused'; readonly message: string };

async function findOrCreatePerson(
  mailing: SalesforceService,
  req: SubscribeRequest,
  ctx: CallContext,
  opts: CampaignOptions,
  budget: Budget,
): Promise<PersonFound> {
  const email = soqlString(req.email.trim());
  const [contact] = await soqlIds(mailing, `SELECT Id FROM Contact WHERE Email = ${email} ORDER BY CreatedDate LIMIT 1`, budget);
  if (contact) return { kind: 'found', object: 'Contact', id: contact };
  const findLead = async (): Promise<Created | undefined> => {
    const [lead] = await soqlIds(mailing, `SELECT Id FROM Lead WHERE Email = ${email} ORDER BY CreatedDate LIMIT 1`, budget);
    return lead ? { kind: 'created', id: lead } : undefined;
  };
  const existing = await findLead();
  if (existing?.kind === 'created') return { kind: 'found', object: 'Lead', id: existing.id };
  const { lastName, firstName } = splitPersonName(req.name, ctx.locale);
  const lead = {
    LastName: lastName || UNKNOWN_NAME,
    ...(firstName ? { FirstName: firstName } : {}),
    Email: req.email.trim(),
    ...(req.phone.trim() ? { Phone: req.phone.trim() } : {}),
    Company: opts.defaultCompany,
    ...(opts.leadSource ? { LeadSource: opts.leadSource } : {}),
  };
  const created = await createOnce({ create: () => insertRecord(mailing, 'Lead', lead, budget), findOwn: findLead }, false);
  if (created.kind === 'created') return { kind: 'found', object: 'Lead', id: created.id };
  if (created.kind === 'duplicate') {
    // The org's duplicate rule matched a record the look-up above did not see (another field, a
    // lead just created): its match, or the lead with the email now.
    const again = created.id ? undefined : await findLead();
    const id = created.id ?? (again?.kind === 'created' ? again.id : undefined);
    if (id) return { kind: 'found', object: 'Lead', id };
  }
  return { kind: 'refused', message: created.message };
}
