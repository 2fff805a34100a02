import { describe, expect, it } from 'vitest';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import { ctx, salesforceSuite } from './test-support.ts';

const h = await salesforceSuite();
const signUp = (over: Partial<SubscribeRequest> = {}): SubscribeRequest => ({
  list: 'Newsletter',
  name: 'Mia Chen',
  email: 'mia@example.com',
  phone: '',
  ...over,
});
const newsletter = () => h.fake.records('Campaign').find((c) => c['Name'] === 'Newsletter')!;

describe('mailing.subscribe → CampaignMember', () => {
  it('a visitor unknown to the org becomes a lead (Company defaulted) and a member of the campaign; signing up again adds nothing', async () => {
    const mailing = h.connect('mailing');
    expect(await mailing.subscribe(signUp(), ctx())).toEqual({ outcome: 'success', outputs: { status: 'subscribed' } });
    expect(await mailing.subscribe(signUp(), ctx())).toEqual({ outcome: 'success', outputs: { status: 'subscribed' } });
    const [lead] = h.fake.records('Lead');
    expect(lead).toMatchObject({ FirstName: 'Mia', LastName: 'Chen', Email: 'mia@example.com', Company: 'Unknown' });
    expect(h.fake.records('CampaignMember')).toEqual([expect.objectContaining({ CampaignId: newsletter().Id, LeadId: lead!.Id })]);
  });

  it('a known contact is the member (not a new lead), found by its email', async () => {
    const contact = h.fake.org.insert('Contact', { LastName: 'Chen', Email: 'MIA@example.com' });
    await h.connect('mailing').subscribe(signUp({ list: 'newsletter' }), ctx());
    expect(h.fake.records('Lead')).toHaveLength(0);
    expect(h.fake.records('CampaignMember')).toEqual([expect.objectContaining({ ContactId: contact.Id })]);
  });

  it('failure for an unknown or inactive campaign, or without an email', async () => {
    const mailing = h.connect('mailing');
    h.fake.org.addCampaign('Old news', false);
    expect(await mailing.subscribe(signUp({ list: 'Nonexistent' }), ctx())).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/no campaign named "Nonexistent"/),
    });
    expect(await mailing.subscribe(signUp({ list: 'Old news' }), ctx())).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/not active/) });
    expect(await mailing.subscribe(signUp({ email: ' ' }), ctx())).toMatchObject({ outcome: 'failure', message: expect.stringMatching(/email/) });
    expect(h.fake.records('CampaignMember')).toHaveLength(0);
  });

  it('a member the look-up missed is still success when Salesforce answers DUPLICATE_VALUE', async () => {
    const mailing = h.connect('mailing');
    await mailing.subscribe(signUp(), ctx());
    const query = h.fake.org.query.bind(h.fake.org);
    h.fake.org.query = (q) => (q.object === 'CampaignMember' ? [] : query(q));
    try {
      expect(await mailing.subscribe(signUp(), ctx())).toEqual({ outcome: 'success', outputs: { status: 'subscribed' } });
    } finally {
      h.fake.org.query = query;
    }
    expect(h.fake.records('CampaignMember')).toHaveLength(1);
  });
});
