import { compare, SoqlError, type Query } from './soql.ts';
import { defaultSchema, fieldOf, type ObjectMeta } from './schema.ts';

export type SfRecord = Record<string, unknown> & { Id: string; CreatedDate: string };

/** One error of Salesforce's REST error array: `[{ message, errorCode, fields }]`. */
export interface SfError {
  message: string;
  errorCode: string;
  fields?: string[];
  duplicateResult?: unknown;
}

export type CreateResult = { ok: true; id: string } | { ok: false; status: number; errors: SfError[] };

/** How the org answers a Lead or Contact with an email it already holds (its duplicate rule). */
export type DuplicateRule = 'block' | 'block-without-match' | 'off';

/** Salesforce's DateTime as the REST API writes it: `2026-01-01T09:00:00.000+0000`. */
export const sfDateTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

const EMAIL = /^[^\s@()<>,;:"[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/**
 * The fake org: its objects' metadata and records, seeded with the integration user, an agent, an
 * inactive user, the queues Support and Sales (for Cases) and Leads Inbox (for Leads only), and the
 * active campaign Newsletter.
 */
export class FakeOrg {
  schema = defaultSchema();
  records = new Map<string, SfRecord[]>();
  duplicateRule: DuplicateRule = 'block';
  #counter = 0;
  #caseNumber = 1000;
  /** The user the grant belongs to: the default owner of what the API creates. */
  integrationUserId = '';

  constructor() {
    this.reset();
  }

  reset(): void {
    this.schema = defaultSchema();
    this.records = new Map([...this.schema.keys()].map((k) => [k, []]));
    this.duplicateRule = 'block';
    this.#counter = 0;
    this.#caseNumber = 1000;
    this.integrationUserId = this.addUser({ name: 'Integration User', email: 'integration@example.com' }).Id;
    this.addUser({ name: 'Agent Smith', email: 'agent@example.com' });
    this.addUser({ name: 'Gone Away', email: 'gone@example.com', active: false });
    this.addQueue('Support', ['Case']);
    this.addQueue('Sales', ['Case']);
    this.addQueue('Leads Inbox', ['Lead']);
    this.addCampaign('Newsletter');
  }

  newId(object: string): string {
    const prefix = this.schema.get(object)?.keyPrefix ?? '000';
    this.#counter += 1;
    return `${prefix}${this.#counter.toString(36).toUpperCase().padStart(12, '0')}AAE`;
  }

  table(object: string): SfRecord[] {
    let rows = this.records.get(object);
    if (!rows) this.records.set(object, (rows = []));
    return rows;
  }

  /** Stores a record as is (tests' seeds), filling in Id and CreatedDate. */
  insert(object: string, fields: Record<string, unknown>, createdAt = Date.now()): SfRecord {
    const record: SfRecord = { ...fields, Id: this.newId(object), CreatedDate: sfDateTime(createdAt), CreatedById: this.integrationUserId };
    if (object === 'Case') record['CaseNumber'] = String(++this.#caseNumber).padStart(8, '0');
    this.table(object).push(record);
    return record;
  }

  addUser(u: { name: string; email: string; active?: boolean }): SfRecord {
    return this.insert('User', { Name: u.name, Username: `${u.email}.fake`, Email: u.email, IsActive: u.active ?? true, UserType: 'Standard' });
  }

  addQueue(name: string, objects: readonly string[]): SfRecord {
    const queue = this.insert('Group', { Name: name, DeveloperName: name.replace(/\W+/g, '_'), Type: 'Queue' });
    for (const o of objects) this.insert('QueueSobject', { QueueId: queue.Id, SobjectType: o });
    return queue;
  }

  addCampaign(name: string, active = true): SfRecord {
    return this.insert('Campaign', { Name: name, IsActive: active, OwnerId: this.integrationUserId });
  }

  byId(id: string): { object: string; record: SfRecord } | undefined {
    for (const [object, rows] of this.records) {
      const record = rows.find((r) => r.Id === id || r.Id.slice(0, 15) === id);
      if (record) return { object, record };
    }
    return undefined;
  }

  /** `POST /sobjects/{object}`: Salesforce's validation, in the order a save runs it. */
  create(objectName: string, body: Record<string, unknown>): CreateResult {
    const meta = this.schema.get(objectName);
    if (!meta) return { ok: false, status: 404, errors: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    if (!meta.createable) {
      return { ok: false, status: 403, errors: [{ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY', message: `insufficient access rights on object id` }] };
    }
    const record: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'attributes') continue;
      const field = fieldOf(meta, key);
      if (!field) return refuse('INVALID_FIELD', `No such column '${key}' on sobject of type ${objectName}`);
      if (field.createable === false)
        return refuse(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [field.name],
        );
      if (value === null || value === '') continue;
      const problem = this.#checkValue(meta, field.name, value);
      if (problem) return problem;
      record[field.name] = field.type === 'currency' ? Number(value) : value;
    }
    const missing = meta.fields.filter((f) => f.required && (record[f.name] === undefined || record[f.name] === ''));
    if (missing.length > 0) {
      return refuse(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.map((f) => f.name).join(', ')}]`,
        missing.map((f) => f.name),
      );
    }
    const relational = this.#checkReferences(meta, record);
    if (relational) return relational;
    const duplicate = this.#duplicate(objectName, record);
    if (duplicate) return duplicate;
    if (meta.fields.some((f) => f.name === 'OwnerId') && record['OwnerId'] === undefined) record['OwnerId'] = this.integrationUserId;
    if (objectName === 'Case') {
      record['Status'] ??= 'New';
      record['Priority'] ??= 'Medium';
    }
    if (objectName === 'CampaignMember') record['Status'] ??= 'Sent';
    return { ok: true, id: this.insert(objectName, record).Id };
  }

  #checkValue(meta: ObjectMeta, name: string, value: unknown): CreateResult | undefined {
    const field = fieldOf(meta, name)!;
    switch (field.type) {
      case 'email':
        if (typeof value !== 'string' || !EMAIL.test(value))
          return refuse('INVALID_EMAIL_ADDRESS', `${field.name}: invalid email address: ${String(value)}`, [field.name]);
        return undefined;
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
          return {
            ok: false,
            status: 400,
            errors: [
              {
                errorCode: 'JSON_PARSER_ERROR',
                message: `Cannot deserialize instance of date from VALUE_STRING value ${String(value)} or request may be missing a required field`,
              },
            ],
          };
        }
        return undefined;
      case 'currency':
        if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
          return {
            ok: false,
            status: 400,
            errors: [{ errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of currency from VALUE_STRING value ${String(value)}` }],
          };
        }
        return undefined;
      case 'boolean':
        return typeof value === 'boolean'
          ? undefined
          : {
              ok: false,
              status: 400,
              errors: [{ errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of boolean from VALUE_STRING value ${String(value)}` }],
            };
      case 'picklist':
        if (field.restricted && !(field.picklistValues ?? []).some((p) => p.active && p.value === value)) {
          return refuse('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.name}: bad value for restricted picklist field: ${String(value)}`, [field.name]);
        }
        return typeof value === 'string'
          ? undefined
          : refuse('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type: ${String(value)}`, [field.name]);
      default:
        return typeof value === 'string'
          ? undefined
          : refuse('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.name}: value not of required type: ${String(value)}`, [field.name]);
    }
  }

  /**
   * References must name a record of the right object; an owner must be an active user or a queue
   * that takes the object (Setup → Queues → Supported Objects). The codes are the ones Salesforce
   * is reported to give (INVALID_CROSS_REFERENCE_KEY, INACTIVE_OWNER_OR_USER); the exact messages
   * for a queue that does not take the object are not confirmed.
   */
  #checkReferences(meta: ObjectMeta, record: Record<string, unknown>): CreateResult | undefined {
    for (const field of meta.fields) {
      if (field.type !== 'reference' || record[field.name] === undefined) continue;
      const target = this.byId(String(record[field.name]));
      if (!target || !(field.referenceTo ?? []).includes(target.object)) {
        const label = field.name === 'OwnerId' ? 'Owner ID' : field.name;
        return refuse('INVALID_CROSS_REFERENCE_KEY', `${label}: id value of incorrect type: ${String(record[field.name])}`, [field.name]);
      }
      record[field.name] = target.record.Id;
      if (field.name !== 'OwnerId') continue;
      if (target.object === 'User' && target.record['IsActive'] !== true) {
        return refuse('INACTIVE_OWNER_OR_USER', `operation performed with inactive user [${target.record.Id}] as owner of ${meta.name.toLowerCase()}`, []);
      }
      if (target.object === 'Group') {
        const takes = this.table('QueueSobject').some((q) => q['QueueId'] === target.record.Id && q['SobjectType'] === meta.name);
        if (target.record['Type'] !== 'Queue' || !takes) return refuse('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, ['OwnerId']);
      }
    }
    if (meta.name === 'CampaignMember') {
      if (record['LeadId'] === undefined && record['ContactId'] === undefined) {
        return refuse('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LeadId, ContactId]', ['LeadId', 'ContactId']);
      }
      const member = this.table('CampaignMember').find(
        (m) =>
          m['CampaignId'] === record['CampaignId'] &&
          (record['ContactId'] !== undefined ? m['ContactId'] === record['ContactId'] : m['LeadId'] === record['LeadId']),
      );
      // Salesforce's wording for an existing member; the code is DUPLICATE_VALUE (not confirmed in Salesforce's docs).
      if (member) return refuse('DUPLICATE_VALUE', 'Already a campaign member.', []);
    }
    return undefined;
  }

  /**
   * The org's duplicate rules for Leads and Contacts, matching on Email: a blocking rule answers
   * DUPLICATES_DETECTED with the matches in `duplicateResult.matchResults[].matchRecords[].record`;
   * `block-without-match` leaves the result out, as some real answers do.
   */
  #duplicate(object: string, record: Record<string, unknown>): CreateResult | undefined {
    if (this.duplicateRule === 'off' || (object !== 'Lead' && object !== 'Contact')) return undefined;
    const email = typeof record['Email'] === 'string' ? record['Email'].toLowerCase() : undefined;
    if (!email) return undefined;
    const matches = this.table(object).filter((r) => typeof r['Email'] === 'string' && r['Email'].toLowerCase() === email);
    if (matches.length === 0) return undefined;
    const message = 'Use one of these records?';
    const error: SfError = { errorCode: 'DUPLICATES_DETECTED', message, fields: [] };
    if (this.duplicateRule === 'block') {
      error.duplicateResult = {
        allowSave: false,
        duplicateRule: `Standard_${object}_Duplicate_Rule`,
        duplicateRuleEntityType: object,
        errorMessage: message,
        matchResults: [
          {
            entityType: object,
            errors: [],
            matchEngine: 'ExactMatchEngine',
            matchRecords: matches.map((m) => ({
              additionalInformation: [],
              fieldDiffs: [],
              matchConfidence: 100,
              record: { attributes: { type: object, url: `/services/data/v62.0/sobjects/${object}/${m.Id}` }, Id: m.Id },
            })),
            rule: `Standard_${object}_Match_Rule_v1_0`,
            size: matches.length,
            success: true,
          },
        ],
      };
    }
    return { ok: false, status: 400, errors: [error] };
  }

  /** Runs a parsed query; a field or object the org does not have is Salesforce's INVALID_FIELD / INVALID_TYPE. */
  query(q: Query): Record<string, unknown>[] {
    const meta = this.schema.get(q.object);
    if (!meta || !meta.queryable) {
      throw new QueryRefusal(
        'INVALID_TYPE',
        `\n${q.fields.join(', ')} FROM ${q.object}\n^\nERROR at Row:1:Column:1\nsObject type '${q.object}' is not supported.`,
      );
    }
    // Every path is checked before any row is read: Salesforce refuses the query, not a row.
    for (const path of [...q.fields, ...q.where.map((c) => c.field), ...(q.orderBy ? [q.orderBy.field] : [])]) {
      const [head, ...rest] = path.split('.');
      if (rest.length === 0) {
        if (!fieldOf(meta, head!)) throw new QueryRefusal('INVALID_FIELD', `No such column '${head}' on entity '${q.object}'.`);
        continue;
      }
      const relation = meta.fields.find((f) => f.relationshipName?.toLowerCase() === head!.toLowerCase());
      const targets = (relation?.referenceTo ?? []).map((o) => this.schema.get(o)).filter((o) => o !== undefined);
      if (!relation || !targets.some((t) => fieldOf(t, rest.join('.'))))
        throw new QueryRefusal('INVALID_FIELD', `Didn't understand relationship '${head}' in field path.`);
    }
    const read = (record: SfRecord, path: string): unknown => {
      const [head, ...rest] = path.split('.');
      if (rest.length === 0) {
        const field = fieldOf(meta, head!);
        if (!field) throw new QueryRefusal('INVALID_FIELD', `No such column '${head}' on entity '${q.object}'.`);
        return record[field.name] ?? null;
      }
      const relation = meta.fields.find((f) => f.relationshipName?.toLowerCase() === head!.toLowerCase());
      if (!relation) throw new QueryRefusal('INVALID_FIELD', `Didn't understand relationship '${head}' in field path.`);
      const target = this.byId(String(record[relation.name] ?? ''));
      if (!target) return null;
      const targetMeta = this.schema.get(target.object)!;
      const field = fieldOf(targetMeta, rest.join('.'));
      if (!field) throw new QueryRefusal('INVALID_FIELD', `No such column '${rest.join('.')}' on entity '${target.object}'.`);
      return target.record[field.name] ?? null;
    };
    let rows = this.table(q.object).filter((r) =>
      q.where.every((c) => {
        const value = read(r, c.field);
        const results = c.values.map((v) => compare(value, v));
        switch (c.op) {
          case '=':
          case 'IN':
            return results.some((x) => x === 0);
          case '!=':
            return results[0] !== 0;
          case '<':
            return results[0] !== undefined && results[0] < 0;
          case '<=':
            return results[0] !== undefined && results[0] <= 0;
          case '>':
            return results[0] !== undefined && results[0] > 0;
          case '>=':
            return results[0] !== undefined && results[0] >= 0;
        }
      }),
    );
    if (q.orderBy) {
      const { field, descending } = q.orderBy;
      rows = [...rows].sort((a, b) => (compare(read(a, field), read(b, field) as string) ?? 0) * (descending ? -1 : 1));
    }
    if (q.limit !== undefined) rows = rows.slice(0, q.limit);
    return rows.map((r) => this.#shape(q, meta, r, read));
  }

  /** A record as a query answers it: `attributes`, then each selected field, related ones nested. */
  #shape(q: Query, meta: ObjectMeta, record: SfRecord, read: (r: SfRecord, path: string) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: meta.name, url: `/services/data/v62.0/sobjects/${meta.name}/${record.Id}` } };
    for (const path of q.fields) {
      const [head, ...rest] = path.split('.');
      if (rest.length === 0) {
        out[fieldOf(meta, head!)!.name] = read(record, path);
        continue;
      }
      const relation = meta.fields.find((f) => f.relationshipName?.toLowerCase() === head!.toLowerCase())!;
      const target = this.byId(String(record[relation.name] ?? ''));
      if (!target) {
        out[relation.relationshipName!] = null;
        continue;
      }
      const nested = (out[relation.relationshipName!] ??= {
        attributes: { type: target.object, url: `/services/data/v62.0/sobjects/${target.object}/${target.record.Id}` },
      }) as Record<string, unknown>;
      const field = fieldOf(this.schema.get(target.object)!, rest.join('.'))!;
      nested[field.name] = target.record[field.name] ?? null;
    }
    return out;
  }
}

export class QueryRefusal extends SoqlError {
  readonly errorCode: string;
  constructor(errorCode: string, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

function refuse(errorCode: string, message: string, fields: string[] = []): CreateResult {
  return { ok: false, status: 400, errors: [{ message, errorCode, fields }] };
}
