import { z } from 'zod';
import type { ServiceValue } from '../../vocabulary/service-fields.ts';
import type { Budget } from '../remote/budget.ts';
import { CachedList } from '../remote/cached-list.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import type { ObjectFields } from '../provider.ts';
import { byNameIgnoringCase, leftOutNote, splitFields } from '../remote/left-out-fields.ts';
import { describeError, salesforceErrors } from './http.ts';
import { soql, type SalesforceService } from './records.ts';

export interface DirectoryTiming {
  readonly ttlMs: number;
  readonly minRefetchMs: number;
}

/** One field of an object's describe (`GET /sobjects/{object}/describe`): the parts read here. */
const describedField = z.looseObject({
  name: z.string(),
  createable: z.boolean().optional(),
  picklistValues: z.array(z.looseObject({ value: z.string(), label: z.string().nullish(), active: z.boolean().optional() })).nullish(),
});
export type DescribedField = z.infer<typeof describedField>;
const describeAnswer = z.looseObject({ createable: z.boolean().optional(), queryable: z.boolean().optional(), fields: z.array(describedField) });

export interface Described {
  readonly createable: boolean;
  readonly queryable: boolean;
  readonly fields: readonly DescribedField[];
}

export interface Queue {
  readonly id: string;
  readonly name: string;
  readonly developerName: string;
  /** The objects it takes (QueueSobject.SobjectType): a Case can only be owned by a queue that takes Cases. */
  readonly objects: readonly string[];
}

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly username: string;
  readonly active: boolean;
}

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * What the org has that blocks name by value — queues (departments), users (assignees), campaigns
 * (lists) — and each object's describe (its fields and picklists), cached per credential like
 * every provider's directories (../remote/cached-list.ts).
 */
export class SalesforceDirectory {
  readonly queues: CachedList<Queue>;
  readonly users: CachedList<User>;
  readonly campaigns: CachedList<Campaign>;
  readonly #describes = new Map<string, CachedList<Described>>();
  readonly #service: SalesforceService;
  readonly #timing: DirectoryTiming;

  constructor(service: SalesforceService, timing: DirectoryTiming) {
    this.#service = service;
    this.#timing = timing;
    this.queues = new CachedList(async (budget) => {
      const [queues, takes] = await Promise.all([
        soql(service, "SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Queue'", budget),
        soql(service, 'SELECT QueueId, SobjectType FROM QueueSobject', budget),
      ]);
      return queues.map((q) => ({
        id: str(q['Id']),
        name: str(q['Name']),
        developerName: str(q['DeveloperName']),
        objects: takes.filter((t) => t['QueueId'] === q['Id']).map((t) => str(t['SobjectType'])),
      }));
    }, timing);
    // Standard users only: portal, guest and automated users cannot own a Case.
    this.users = new CachedList(async (budget) => {
      const rows = await soql(service, "SELECT Id, Name, Email, Username, IsActive FROM User WHERE UserType = 'Standard'", budget);
      return rows.map((u) => ({
        id: str(u['Id']),
        name: str(u['Name']),
        email: str(u['Email']),
        username: str(u['Username']),
        active: u['IsActive'] === true,
      }));
    }, timing);
    this.campaigns = new CachedList(async (budget) => {
      const rows = await soql(service, 'SELECT Id, Name, IsActive FROM Campaign', budget);
      return rows.map((c) => ({ id: str(c['Id']), name: str(c['Name']), active: c['IsActive'] === true }));
    }, timing);
  }

  /** An object's describe; a refusal (404 NOT_FOUND for an object the user cannot see) is a ServiceRefusedError. */
  describe(object: string, budget: Budget): Promise<Described> {
    let list = this.#describes.get(object);
    if (!list) {
      list = new CachedList(async (b) => {
        const res = await this.#service.api.send({ method: 'GET', path: `/sobjects/${object}/describe` }, b);
        const parsed = describeAnswer.safeParse(res.body);
        if (res.status >= 300 || !parsed.success) {
          throw new ServiceRefusedError(`Salesforce could not describe ${object} (${describeError(res.status, salesforceErrors(res.body)[0])})`);
        }
        return [{ createable: parsed.data.createable === true, queryable: parsed.data.queryable === true, fields: parsed.data.fields }];
      }, this.#timing);
      this.#describes.set(object, list);
    }
    return list.all(budget).then((all) => all[0]!);
  }

  /** The active values of a picklist, as the builder offers them (value stored, label shown). */
  async picklist(object: string, field: string, budget: Budget): Promise<ServiceValue[]> {
    const described = await this.describe(object, budget);
    const found = described.fields.find((f) => f.name === field);
    return (found?.picklistValues ?? []).filter((p) => p.active !== false).map((p) => ({ value: p.value, label: p.label || p.value }));
  }

  /**
   * An object's fields a record can be created with, by API name (case as the org spells it): a
   * bot's extra `fields:` are matched to them ignoring case. A bot written for another CRM names
   * fields Salesforce does not have (Zoho's Lead_Source): those are left out rather than failing
   * every record, so the same bot runs on every provider (publishing warns, the log says so).
   */
  async objectFields(object: string, budget: Budget): Promise<ObjectFields> {
    const described = await this.describe(object, budget);
    const names = described.fields.filter((f) => f.createable !== false).map((f) => f.name);
    // Fields the describe lists but a create may not set (formula fields, system fields): said to be read-only.
    const readOnly = described.fields.filter((f) => f.createable === false).map((f) => f.name);
    return { object, names, resolve: byNameIgnoringCase(names), readOnly: byNameIgnoringCase(readOnly) };
  }

  /** A block's extra fields as the object takes them, and the names left out (../remote/left-out-fields.ts). */
  async knownFields(object: string, fields: Readonly<Record<string, string>>, budget: Budget): Promise<{ sent: Record<string, string>; note?: string }> {
    if (Object.values(fields).every((v) => v.trim() === '')) return { sent: {} };
    const known = await this.objectFields(object, budget);
    const { sent, left, readOnly } = splitFields(fields, known.resolve, known.readOnly);
    const note = leftOutNote('Salesforce', object, left, readOnly);
    return note ? { sent, note } : { sent };
  }

  forgetAll(): void {
    for (const list of [this.queues, this.users, this.campaigns, ...this.#describes.values()]) list.forget();
  }
}
