/**
 * The objects the fake org has and their fields, as `describe` reports them. Only the fields Renkei
 * reads or writes, plus a few a real org always has; names, types and the standard picklist values
 * follow Salesforce's Object Reference. What is the fake's own choice is marked so.
 */

export type FieldType = 'id' | 'string' | 'email' | 'phone' | 'textarea' | 'picklist' | 'reference' | 'date' | 'datetime' | 'currency' | 'boolean';

export interface PicklistValue {
  readonly value: string;
  readonly label: string;
  readonly active: boolean;
  readonly defaultValue: boolean;
}

export interface FieldMeta {
  readonly name: string;
  readonly type: FieldType;
  /** Salesforce's `nillable`/`createable`/`defaultedOnCreate` shape the "required" rule below. */
  readonly required?: boolean;
  readonly createable?: boolean;
  /** An org's own field (`__c`, describe's `custom`), and a formula field (`calculated`, never createable). */
  readonly custom?: boolean;
  readonly calculated?: boolean;
  /** Reference fields: what they point to (`referenceTo`), and their relationship name (`Account`). */
  readonly referenceTo?: readonly string[];
  readonly relationshipName?: string;
  /** Picklists: the org's values, and whether only they are accepted (`restrictedPicklist`). */
  picklistValues?: PicklistValue[];
  readonly restricted?: boolean;
}

export interface ObjectMeta {
  readonly name: string;
  /** The first three characters of its record ids (Salesforce's key prefix). */
  readonly keyPrefix: string;
  readonly fields: readonly FieldMeta[];
  /** Which verbs the connected user may use: changed by tests to take a permission away. */
  createable: boolean;
  queryable: boolean;
}

const pick = (values: readonly string[], defaultValue?: string): PicklistValue[] =>
  values.map((v) => ({ value: v, label: v, active: true, defaultValue: v === defaultValue }));

const text = (name: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ name, type: 'string', ...extra });
const ref = (name: string, to: readonly string[], relationshipName: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  name,
  type: 'reference',
  referenceTo: to,
  relationshipName,
  ...extra,
});
const audit: readonly FieldMeta[] = [
  { name: 'Id', type: 'id', createable: false },
  { name: 'CreatedDate', type: 'datetime', createable: false },
  ref('CreatedById', ['User'], 'CreatedBy', { createable: false }),
];
const owned = ref('OwnerId', ['User', 'Group'], 'Owner');

/** A new org's objects, with Salesforce's default picklist values (and the fake's additions, marked). */
export function defaultSchema(): Map<string, ObjectMeta> {
  const objects: ObjectMeta[] = [
    {
      name: 'Lead',
      keyPrefix: '00Q',
      fields: [
        ...audit,
        owned,
        text('FirstName'),
        text('LastName', { required: true }),
        text('Company', { required: true }),
        { name: 'Email', type: 'email' },
        { name: 'Phone', type: 'phone' },
        { name: 'LeadSource', type: 'picklist', picklistValues: pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']) },
        {
          name: 'Status',
          type: 'picklist',
          picklistValues: pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], 'Open - Not Contacted'),
        },
        { name: 'Description', type: 'textarea' },
        // The fake's own: a custom field the org added, and a formula field (read-only).
        text('Preferred_Store__c', { custom: true }),
        text('Lead_Score__c', { custom: true, calculated: true, createable: false }),
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'Account',
      keyPrefix: '001',
      fields: [...audit, owned, text('Name', { required: true }), { name: 'Phone', type: 'phone' }],
      createable: true,
      queryable: true,
    },
    {
      name: 'Contact',
      keyPrefix: '003',
      fields: [
        ...audit,
        owned,
        text('FirstName'),
        text('LastName', { required: true }),
        { name: 'Email', type: 'email' },
        { name: 'Phone', type: 'phone' },
        ref('AccountId', ['Account'], 'Account'),
        { name: 'LeadSource', type: 'picklist', picklistValues: pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']) },
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'Opportunity',
      keyPrefix: '006',
      fields: [
        ...audit,
        owned,
        text('Name', { required: true }),
        {
          name: 'StageName',
          type: 'picklist',
          required: true,
          restricted: true,
          picklistValues: pick([
            'Prospecting',
            'Qualification',
            'Needs Analysis',
            'Value Proposition',
            'Id. Decision Makers',
            'Perception Analysis',
            'Proposal/Price Quote',
            'Negotiation/Review',
            'Closed Won',
            'Closed Lost',
          ]),
        },
        { name: 'CloseDate', type: 'date', required: true },
        { name: 'Amount', type: 'currency' },
        ref('AccountId', ['Account'], 'Account'),
        { name: 'LeadSource', type: 'picklist', picklistValues: pick(['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']) },
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'OpportunityContactRole',
      keyPrefix: '00K',
      fields: [
        ...audit,
        ref('OpportunityId', ['Opportunity'], 'Opportunity', { required: true }),
        ref('ContactId', ['Contact'], 'Contact', { required: true }),
        { name: 'IsPrimary', type: 'boolean' },
        {
          name: 'Role',
          type: 'picklist',
          picklistValues: pick(['Business User', 'Decision Maker', 'Economic Buyer', 'Economic Decision Maker', 'Evaluator', 'Influencer', 'Other']),
        },
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'Case',
      keyPrefix: '500',
      fields: [
        ...audit,
        owned,
        { name: 'CaseNumber', type: 'string', createable: false },
        text('Subject'),
        { name: 'Description', type: 'textarea' },
        // "Open" and the Type values are the fake org's admin's choice (Salesforce's own defaults are
        // New / Working / Escalated / Closed, and Mechanical … Other in a Developer Edition org).
        { name: 'Status', type: 'picklist', restricted: true, picklistValues: pick(['New', 'Open', 'Working', 'Escalated', 'Closed'], 'New') },
        { name: 'Priority', type: 'picklist', restricted: true, picklistValues: pick(['High', 'Medium', 'Low'], 'Medium') },
        { name: 'Type', type: 'picklist', restricted: true, picklistValues: pick(['Question', 'Problem', 'Feature Request']) },
        { name: 'Origin', type: 'picklist', picklistValues: pick(['Phone', 'Email', 'Web', 'Chat']) },
        ref('ContactId', ['Contact'], 'Contact'),
        text('SuppliedName'),
        { name: 'SuppliedEmail', type: 'email' },
        { name: 'SuppliedPhone', type: 'phone' },
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'Campaign',
      keyPrefix: '701',
      fields: [...audit, owned, text('Name', { required: true }), { name: 'IsActive', type: 'boolean' }],
      createable: true,
      queryable: true,
    },
    {
      name: 'CampaignMember',
      keyPrefix: '00v',
      fields: [
        ...audit,
        ref('CampaignId', ['Campaign'], 'Campaign', { required: true }),
        ref('LeadId', ['Lead'], 'Lead'),
        ref('ContactId', ['Contact'], 'Contact'),
        { name: 'Status', type: 'picklist', picklistValues: pick(['Planned', 'Received', 'Responded', 'Sent'], 'Sent') },
      ],
      createable: true,
      queryable: true,
    },
    {
      name: 'User',
      keyPrefix: '005',
      fields: [
        ...audit,
        text('Name', { createable: false }),
        text('Username'),
        { name: 'Email', type: 'email' },
        { name: 'IsActive', type: 'boolean' },
        text('UserType'),
      ],
      createable: false,
      queryable: true,
    },
    {
      name: 'Group',
      keyPrefix: '00G',
      fields: [...audit, text('Name'), text('DeveloperName'), text('Type')],
      createable: false,
      queryable: true,
    },
    {
      name: 'QueueSobject',
      keyPrefix: '03g',
      fields: [...audit, ref('QueueId', ['Group'], 'Queue'), text('SobjectType')],
      createable: false,
      queryable: true,
    },
  ];
  return new Map(objects.map((o) => [o.name, o]));
}

export function fieldOf(object: ObjectMeta, name: string): FieldMeta | undefined {
  const lower = name.toLowerCase();
  return object.fields.find((f) => f.name.toLowerCase() === lower);
}
