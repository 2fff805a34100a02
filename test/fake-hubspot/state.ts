/**
 * The data of one fake HubSpot account (portal): CRM records, pipelines, owners, property options
 * and lists, seeded the same way on every reset. Shapes follow HubSpot's CRM v3 answers.
 */

export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tickets'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Associated records by object type, with the association type ids used. */
  associations: { toType: ObjectType; toId: string; typeId: number }[];
}

export interface PipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  archived: boolean;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface Pipeline {
  id: string;
  label: string;
  displayOrder: number;
  archived: boolean;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
}

export interface Owner {
  id: string;
  email: string;
  type: 'PERSON';
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
  /** A deactivated user's owner is archived: `GET /crm/v3/owners` lists it only with `archived=true`. */
  archived: boolean;
}

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
}

export interface HubSpotList {
  listId: string;
  name: string;
  processingType: 'MANUAL' | 'SNAPSHOT' | 'DYNAMIC';
  objectTypeId: '0-1';
  createdAt: string;
  updatedAt: string;
  members: { recordId: string; membershipTimestamp: string }[];
}

/** Contact properties the account has (HubSpot's defaults, abridged); writing any other is PROPERTY_DOESNT_EXIST. */
export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'company',
  'website',
  'jobtitle',
  'lifecyclestage',
  'hs_lead_status',
  'message',
  'city',
  'country',
  'hubspot_owner_id',
];
export const COMPANY_PROPERTIES = ['name', 'domain', 'phone', 'city', 'country', 'industry', 'description', 'hubspot_owner_id'];
export const DEAL_PROPERTIES = ['dealname', 'pipeline', 'dealstage', 'closedate', 'amount', 'dealtype', 'description', 'hubspot_owner_id'];
export const TICKET_PROPERTIES = [
  'subject',
  'content',
  'hs_pipeline',
  'hs_pipeline_stage',
  'hs_ticket_priority',
  'hs_ticket_category',
  'hubspot_owner_id',
  'source_type',
];
/** Set by HubSpot on every record; readable and searchable, not writable. */
export const READ_ONLY = ['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_createdate'];

/**
 * A property definition as `GET /crm/v3/properties/{objectType}` lists it (HubSpot's reference
 * "Read all properties"): `hidden` hides it in HubSpot's UI only; `modificationMetadata.readOnlyValue`
 * is what refuses a write (READ_ONLY_VALUE); a `calculated` property is read-only too.
 */
export interface PropertyDefinition {
  name: string;
  label: string;
  description: string;
  groupName: string;
  type: 'string' | 'number' | 'enumeration' | 'datetime' | 'date' | 'bool';
  fieldType: string;
  displayOrder: number;
  hidden: boolean;
  formField: boolean;
  hasUniqueValue: boolean;
  calculated: boolean;
  hubspotDefined: boolean;
  archived: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean; readOnlyOptions: boolean };
  options: PropertyOption[];
  createdAt: string;
  updatedAt: string;
}

/** A property an account adds itself (what the fake seeds, and what tests add with `addProperty`). */
export interface CustomProperty {
  name: string;
  label?: string;
  type?: PropertyDefinition['type'];
  /** Read-only to the API: a calculation property, or one an app marked so. */
  readOnly?: boolean;
  calculated?: boolean;
  hidden?: boolean;
  archived?: boolean;
}

const SEEDED_CUSTOM: Record<ObjectType, CustomProperty[]> = {
  contacts: [
    { name: 'favorite_color', label: 'Favorite color' },
    { name: 'chat_topic', label: 'Chat topic', hidden: true },
    { name: 'lifetime_score', label: 'Lifetime score', type: 'number', calculated: true, readOnly: true },
    { name: 'old_segment', label: 'Old segment', archived: true },
  ],
  companies: [],
  deals: [
    { name: 'referral_code', label: 'Referral code' },
    { name: 'hs_deal_stage_probability', label: 'Deal probability', type: 'number', readOnly: true },
  ],
  tickets: [],
};

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];

export class AccountData {
  readonly portalId = 4_410_981;
  readonly objects: Record<ObjectType, CrmObject[]> = { contacts: [], companies: [], deals: [], tickets: [] };
  dealPipelines: Pipeline[] = [];
  ticketPipelines: Pipeline[] = [];
  owners: Owner[] = [];
  lists: HubSpotList[] = [];
  /** Ticket property options, edited in place by tests. */
  ticketOptions: Record<'hs_ticket_priority' | 'hs_ticket_category' | 'source_type', PropertyOption[]> = {
    hs_ticket_priority: [],
    hs_ticket_category: [],
    source_type: [],
  };
  /** Every property of each object type, HubSpot's own and the account's custom ones. */
  properties: Record<ObjectType, PropertyDefinition[]> = { contacts: [], companies: [], deals: [], tickets: [] };
  #nextId = 1;

  constructor() {
    this.reset();
  }

  nextId(): string {
    // HubSpot ids are numeric strings, large and increasing.
    return String(1_000_000 + this.#nextId++ * 7);
  }

  /**
   * Back to the seeded account: no records; deal pipelines "Sales Pipeline" (HubSpot's default
   * stages) and "Chat sales" (Qualification, Proposal, Closed won, Closed lost); ticket pipelines
   * "Support" (Open, Waiting on contact, Closed) and "Billing" (New, Closed); owners
   * agent@example.com (active) and gone@example.com (deactivated); the manual list "Newsletter" and
   * the active list "Customers"; HubSpot's ticket priorities and categories, with "Question" added.
   */
  reset(): void {
    for (const type of OBJECT_TYPES) this.objects[type].length = 0;
    this.#nextId = 1;
    const at = '2026-01-05T09:00:00.000Z';
    const stage = (id: string, label: string, displayOrder: number, metadata: Record<string, string>): PipelineStage => ({
      id,
      label,
      displayOrder,
      archived: false,
      metadata,
      createdAt: at,
      updatedAt: at,
    });
    this.dealPipelines = [
      {
        id: 'default',
        label: 'Sales Pipeline',
        displayOrder: 0,
        archived: false,
        createdAt: at,
        updatedAt: at,
        stages: [
          stage('appointmentscheduled', 'Appointment Scheduled', 0, { isClosed: 'false', probability: '0.2' }),
          stage('qualifiedtobuy', 'Qualified To Buy', 1, { isClosed: 'false', probability: '0.4' }),
          stage('presentationscheduled', 'Presentation Scheduled', 2, { isClosed: 'false', probability: '0.6' }),
          stage('closedwon', 'Closed Won', 3, { isClosed: 'true', probability: '1.0' }),
          stage('closedlost', 'Closed Lost', 4, { isClosed: 'true', probability: '0.0' }),
        ],
      },
      {
        id: '75312',
        label: 'Chat sales',
        displayOrder: 1,
        archived: false,
        createdAt: at,
        updatedAt: at,
        stages: [
          stage('75313', 'Qualification', 0, { isClosed: 'false', probability: '0.1' }),
          stage('75314', 'Proposal', 1, { isClosed: 'false', probability: '0.5' }),
          stage('75315', 'Closed won', 2, { isClosed: 'true', probability: '1.0' }),
          stage('75316', 'Closed lost', 3, { isClosed: 'true', probability: '0.0' }),
        ],
      },
    ];
    this.ticketPipelines = [
      {
        id: '0',
        label: 'Support',
        displayOrder: 0,
        archived: false,
        createdAt: at,
        updatedAt: at,
        stages: [
          stage('1', 'Open', 0, { ticketState: 'OPEN' }),
          stage('2', 'Waiting on contact', 1, { ticketState: 'OPEN' }),
          stage('4', 'Closed', 2, { ticketState: 'CLOSED' }),
        ],
      },
      {
        id: '88210',
        label: 'Billing',
        displayOrder: 1,
        archived: false,
        createdAt: at,
        updatedAt: at,
        stages: [stage('88211', 'New', 0, { ticketState: 'OPEN' }), stage('88212', 'Closed', 1, { ticketState: 'CLOSED' })],
      },
    ];
    this.owners = [
      {
        id: '51000101',
        email: 'agent@example.com',
        type: 'PERSON',
        firstName: 'Aiko',
        lastName: 'Agent',
        userId: 9101,
        createdAt: at,
        updatedAt: at,
        archived: false,
      },
      {
        id: '51000102',
        email: 'gone@example.com',
        type: 'PERSON',
        firstName: 'Gone',
        lastName: 'Agent',
        userId: 9102,
        createdAt: at,
        updatedAt: at,
        archived: true,
      },
    ];
    const option = (value: string, label: string, displayOrder: number): PropertyOption => ({ value, label, displayOrder, hidden: false });
    this.ticketOptions = {
      hs_ticket_priority: [option('LOW', 'Low', 0), option('MEDIUM', 'Medium', 1), option('HIGH', 'High', 2), option('URGENT', 'Urgent', 3)],
      hs_ticket_category: [
        option('PRODUCT_ISSUE', 'Product issue', 0),
        option('BILLING_ISSUE', 'Billing issue', 1),
        option('FEATURE_REQUEST', 'Feature request', 2),
        option('GENERAL_INQUIRY', 'General inquiry', 3),
        option('QUESTION', 'Question', 4),
      ],
      source_type: [option('CHAT', 'Chat', 0), option('EMAIL', 'Email', 1), option('FORM', 'Form', 2), option('PHONE', 'Phone', 3)],
    };
    const defaults: Record<ObjectType, readonly string[]> = {
      contacts: CONTACT_PROPERTIES,
      companies: COMPANY_PROPERTIES,
      deals: DEAL_PROPERTIES,
      tickets: TICKET_PROPERTIES,
    };
    for (const type of OBJECT_TYPES) {
      this.properties[type] = [
        ...defaults[type].map((name) => definition(type, { name }, true, at)),
        ...READ_ONLY.map((name) => definition(type, { name, readOnly: true }, true, at)),
        ...SEEDED_CUSTOM[type].map((p) => definition(type, p, p.name.startsWith('hs_'), at)),
      ].map((d, i) => ({ ...d, displayOrder: i }));
    }
    this.lists = [
      { listId: '12', name: 'Newsletter', processingType: 'MANUAL', objectTypeId: '0-1', createdAt: at, updatedAt: at, members: [] },
      { listId: '13', name: 'Customers', processingType: 'DYNAMIC', objectTypeId: '0-1', createdAt: at, updatedAt: at, members: [] },
    ];
  }

  /** Writes a record as HubSpot stores it: its id, hs_object_id and the dates filled in. */
  insert(type: ObjectType, properties: Record<string, string | null>, associations: CrmObject['associations'] = [], now = new Date()): CrmObject {
    const id = this.nextId();
    const at = now.toISOString();
    const record: CrmObject = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: at, lastmodifieddate: at },
      createdAt: at,
      updatedAt: at,
      archived: false,
      associations,
    };
    this.objects[type].push(record);
    return record;
  }

  contactByEmail(email: string): CrmObject | undefined {
    const wanted = email.trim().toLowerCase();
    return this.objects.contacts.find((c) => !c.archived && (c.properties['email'] ?? '').toLowerCase() === wanted);
  }

  /** Adds a custom property to the account, as an admin would in HubSpot's settings. */
  addProperty(type: ObjectType, property: CustomProperty): PropertyDefinition {
    const made = { ...definition(type, property, false, new Date().toISOString()), displayOrder: this.properties[type].length };
    this.properties[type].push(made);
    return made;
  }

  /** The property of that name, archived ones included (HubSpot's names are exact: lower case). */
  property(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.properties[type].find((p) => p.name === name);
  }
}

function definition(type: ObjectType, p: CustomProperty, hubspotDefined: boolean, at: string): PropertyDefinition {
  const propertyType = p.type ?? 'string';
  return {
    name: p.name,
    label: p.label ?? p.name,
    description: '',
    groupName: `${type.replace(/s$/, '')}information`,
    type: propertyType,
    fieldType: p.calculated ? 'calculation_equation' : propertyType === 'number' ? 'number' : 'text',
    displayOrder: 0,
    hidden: p.hidden ?? false,
    formField: !(p.readOnly ?? false),
    hasUniqueValue: false,
    calculated: p.calculated ?? false,
    hubspotDefined,
    archived: p.archived ?? false,
    modificationMetadata: { archivable: !hubspotDefined, readOnlyDefinition: hubspotDefined, readOnlyValue: p.readOnly ?? false, readOnlyOptions: false },
    options: [],
    createdAt: at,
    updatedAt: at,
  };
}
