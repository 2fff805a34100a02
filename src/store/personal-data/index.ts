export { erasePerson, erasure, scrubFiles, type Erasure, type EraseOptions } from './erase.ts';
export { exportDocument, externalRecord, externalRecordsOf, findPerson, personalDataDocument, type ExternalRecord, type PersonalDataDocument } from './find.ts';
export type { Found, Holder, Section } from './holder.ts';
export { HOLDERS, HOLDS_NO_VISITOR_DATA } from './holders.ts';
export { purgeConversations, purgeRecords, type Purged } from './purge.ts';
export { describeSubject, mentions, subjectOf, SubjectError, SUBJECT_KINDS, type Subject, type SubjectKind } from './subject.ts';
