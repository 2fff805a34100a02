import type { ServiceValueCatalog } from '../service-values.ts';

const offered = (values: readonly string[]): string => (values.length === 0 ? 'no values' : values.map((v) => `"${v}"`).join(', '));

export const en: ServiceValueCatalog = (p) =>
  p.kind === 'unknown_field'
    ? `the CRM (${p.provider}) has no field "${p.name}" on its ${p.object} records${p.suggestion === null ? '' : ` — did you mean "${p.suggestion}"?`}; when the block runs the field is left out and the record is saved without it`
    : p.kind === 'read_only_field'
      ? `the CRM (${p.provider}) does not take a value for "${p.name}" on its ${p.object} records (${p.field === p.name ? 'the field' : `its field "${p.field}"`} is read-only or calculated); when the block runs the field is left out and the record is saved without it`
      : p.kind === 'unknown'
        ? `"${p.value}" is not a value the ${p.role} service (${p.provider}) has.${p.suggestion === null ? '' : ` Did you mean "${p.suggestion}"?`} It offers ${offered(p.offered)}`
        : `"${p.value}" could not be checked: the ${p.role} service (${p.provider}) could not be asked (${p.reason}); published anyway — check the value before the block runs`;
