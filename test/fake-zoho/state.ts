import { crmTime, deskTime } from './http.ts';
import { Rng } from './rng.ts';

export const CRM_MODULES = ['Leads', 'Contacts', 'Deals', 'Accounts'] as const;
export type CrmModule = (typeof CRM_MODULES)[number];

/** A CRM record as stored (and as search/COQL read it): API names → values, lookups as `{id, name}`. */
export interface CrmRecord {
  id: string;
  Created_Time?: string;
  [field: string]: unknown;
}

export interface DeskOrganization {
  id: string;
  companyName: string;
}

export interface DeskDepartment {
  id: string;
  name: string;
  isEnabled: boolean;
  isDefault: boolean;
  chatStatus: string;
  nameInCustomerPortal: string;
  createdTime: string;
}

export interface DeskAgent {
  id: string;
  emailId: string;
  firstName: string;
  lastName: string;
  name: string;
  status: 'ACTIVE' | 'DISABLED';
  isConfirmed: boolean;
  zuid: string;
  associatedDepartmentIds: string[];
}

export interface DeskContact {
  id: string;
  firstName: string | null;
  lastName: string;
  email: string | null;
  phone: string | null;
  createdTime: string;
}

export interface DeskTicket {
  id: string;
  ticketNumber: string;
  subject: string;
  departmentId: string;
  contactId: string;
  status: string;
  statusType: string;
  priority: string | null;
  classification: string | null;
  channel: string | null;
  assigneeId: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  dueDate: string | null;
  responseDueDate: null;
  closedTime: null;
  isDeleted: boolean;
  createdTime: string;
  modifiedTime: string;
  webUrl: string;
  cf: Record<string, string | null>;
  customFields: Record<string, string | null>;
  [field: string]: unknown;
}

export interface CampaignList {
  listkey: string;
  listname: string;
  createdTime: number;
  /** A list with a sign-up form's double opt-in: a new subscriber is pending until they confirm. */
  doubleOptIn: boolean;
}

export interface CampaignSubscriber {
  listkey: string;
  email: string;
  /** `pending` on a double opt-in list until the visitor confirms the mail (never, in the fake). */
  status: 'subscribed' | 'pending';
  firstName?: string;
  lastName?: string;
  phone?: string;
  /** Other contactinfo labels, as sent. */
  fields?: Record<string, string>;
}

/** The fake org's user that owns and creates every CRM record. */
export const CRM_OWNER = { name: 'Fake Owner', id: '5725767000000411001', email: 'owner@example.com', zuid: '75092197' };
export const CRM_ORG_ID = '5725767000000000001';
export const DESK_ORG_ID = '2389290';

/** A portal's ticket picklists: a new portal's defaults, which its admin may change. */
export type DeskPicklists = Record<'status' | 'priority' | 'classification', string[]>;
export const DEFAULT_DESK_PICKLISTS: Readonly<DeskPicklists> = {
  status: ['Open', 'On Hold', 'Escalated', 'Closed'],
  priority: ['High', 'Medium', 'Low'],
  classification: ['Question', 'Problem', 'Request', 'Others'],
};

/**
 * Every piece of data the fake holds, with its id sequences. Arrays are mutated in place on reset so a
 * test holding `fake.crm.leads` keeps seeing the live list.
 */
export class FakeData {
  readonly crm: Record<CrmModule, CrmRecord[]> = { Leads: [], Contacts: [], Deals: [], Accounts: [] };
  readonly desk = {
    tickets: [] as DeskTicket[],
    contacts: [] as DeskContact[],
    departments: [] as DeskDepartment[],
    agents: [] as DeskAgent[],
    /**
     * Further organisations (portals) the account sees besides the fake's own (DESK_ORG_ID). They
     * are listed by GET /api/v1/organizations only: the fake serves the data of its own org alone.
     */
    otherOrganizations: [] as DeskOrganization[],
  };
  readonly campaigns = { lists: [] as CampaignList[], subscribers: [] as CampaignSubscriber[] };
  /** The portal's ticket picklists, edited in place by tests (a portal with an "Urgent" priority). */
  readonly deskPicklists: DeskPicklists = { status: [], priority: [], classification: [] };
  leadEmailUnique = true;
  /**
   * The Deals layout's pipelines, each with its stages (GET /crm/v8/settings/pipeline); none by
   * default, as in an org that has not set pipelines up (the endpoint then answers 204).
   */
  readonly dealPipelines: { name: string; stages: string[] }[] = [];
  #seed: number;
  #rng: Rng;
  #crmSeq = 0;
  #deskSeq = 0;
  #ticketSeq = 0;

  constructor(seed: number) {
    this.#seed = seed;
    this.#rng = new Rng(seed);
    this.reset();
  }

  /** Back to the seeded state: CRM empty; Desk Support, Sales, Legacy (disabled), two agents; list Newsletter. */
  reset(): void {
    this.#rng = new Rng(this.#seed);
    this.#crmSeq = 100_000;
    this.#deskSeq = 6_907;
    this.#ticketSeq = 100;
    for (const list of Object.values(this.crm)) list.length = 0;
    for (const list of Object.values(this.desk)) list.length = 0;
    this.campaigns.lists.length = 0;
    this.campaigns.subscribers.length = 0;
    this.leadEmailUnique = true;
    this.dealPipelines.length = 0;
    for (const [field, values] of Object.entries(DEFAULT_DESK_PICKLISTS)) this.deskPicklists[field as keyof DeskPicklists].splice(0, Infinity, ...values);
    const support = this.addDepartment({ name: 'Support', isEnabled: true });
    support.isDefault = true;
    this.addDepartment({ name: 'Sales', isEnabled: true });
    this.addDepartment({ name: 'Legacy', isEnabled: false });
    this.addAgent({ email: 'agent@example.com', name: 'Aiko Agent', status: 'ACTIVE', departmentIds: [support.id] });
    this.addAgent({ email: 'gone@example.com', name: 'Gone Agent', status: 'DISABLED', departmentIds: [support.id] });
    this.addList('Newsletter');
  }

  /** 19-digit CRM ids, kept as strings like Zoho's. */
  crmId(): string {
    return `5725767000000${String(++this.#crmSeq).padStart(6, '0')}`;
  }

  /** 16-digit Desk ids. */
  deskId(): string {
    return `1892000${String(++this.#deskSeq).padStart(9, '0')}`;
  }

  ticketNumber(): string {
    return String(++this.#ticketSeq);
  }

  addDepartment(d: { name: string; isEnabled?: boolean }): DeskDepartment {
    const dept: DeskDepartment = {
      id: this.deskId(),
      name: d.name,
      isEnabled: d.isEnabled ?? true,
      isDefault: false,
      chatStatus: 'AVAILABLE',
      nameInCustomerPortal: d.name,
      createdTime: deskTime(Date.now()),
    };
    this.desk.departments.push(dept);
    return dept;
  }

  /** Without `departmentIds` the agent belongs to every enabled department. */
  addAgent(a: { email: string; name: string; status?: 'ACTIVE' | 'DISABLED'; departmentIds?: string[] }): DeskAgent {
    const words = a.name.trim().split(/\s+/);
    const lastName = words.length > 1 ? words.slice(1).join(' ') : (words[0] ?? '');
    const agent: DeskAgent = {
      id: this.deskId(),
      emailId: a.email,
      firstName: words.length > 1 ? (words[0] ?? '') : '',
      lastName,
      name: a.name,
      status: a.status ?? 'ACTIVE',
      isConfirmed: true,
      zuid: String(10_687_000 + this.desk.agents.length),
      associatedDepartmentIds: a.departmentIds ?? this.desk.departments.filter((d) => d.isEnabled).map((d) => d.id),
    };
    this.desk.agents.push(agent);
    return agent;
  }

  addList(name: string, opts: { doubleOptIn?: boolean } = {}): CampaignList {
    const list: CampaignList = { listkey: this.#rng.hex(32), listname: name, createdTime: Date.now(), doubleOptIn: opts.doubleOptIn ?? false };
    this.campaigns.lists.push(list);
    return list;
  }

  /** Seeds a CRM record as if it had been inserted: id, times and owner filled in. */
  addCrmRecord(module: CrmModule, fields: Record<string, unknown>): CrmRecord {
    const now = crmTime(Date.now());
    const owner = { name: CRM_OWNER.name, id: CRM_OWNER.id, email: CRM_OWNER.email };
    const record: CrmRecord = {
      ...fields,
      id: this.crmId(),
      Owner: owner,
      Created_By: owner,
      Modified_By: owner,
      Created_Time: now,
      Modified_Time: now,
    };
    if (module === 'Leads' || module === 'Contacts') {
      record['Full_Name'] = [fields['First_Name'], fields['Last_Name']].filter((v) => typeof v === 'string' && v).join(' ');
    }
    this.crm[module].push(record);
    return record;
  }
}
