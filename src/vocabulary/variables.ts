import { z } from 'zod';

/** Fields of the visitor that always exist (empty until answered or passed in by the site). */
export const VISITOR_FIELDS = ['name', 'email', 'phone', 'company'] as const;
export type VisitorField = (typeof VISITOR_FIELDS)[number];
export const VISITOR_VARIABLES = VISITOR_FIELDS.map((f) => `visitor.${f}` as const);

/** A bot variable: lower-case letters, digits and underscores. */
export const BOT_VARIABLE = /^[a-z0-9_]+$/;
/** Any name a merge field or a `save` may refer to. */
export const VARIABLE_NAME = /^(?:visitor\.(?:name|email|phone|company)|[a-z0-9_]+)$/;

export const variableName = z.string().regex(VARIABLE_NAME, 'must be visitor.name|email|phone|company or a bot variable of a-z, 0-9 and _');

export const isVisitorVariable = (name: string): boolean => (VISITOR_VARIABLES as readonly string[]).includes(name);

export type Variables = Readonly<Record<string, string>>;
