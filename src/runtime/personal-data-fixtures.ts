/** Bots the personal-data and retention tests share: a lead with email and phone, a ticket in Japanese. */

export const LEAD_BOT = `
renkei: 1
id: pd-lead
name: Lead
locale: en
start: ask_name
blocks:
  ask_name: { type: ask, kind: name, prompt: "Name?", save: visitor.name, next: ask_email }
  ask_email: { type: ask, kind: email, prompt: "Email?", save: visitor.email, next: ask_phone }
  ask_phone: { type: ask, kind: phone, prompt: "Phone?", save: visitor.phone, next: create }
  create:
    type: crm.lead
    save: { id: lead_id }
    ports: { success: thanks, already_exists: thanks, failure: sorry }
  thanks: { type: end, text: "Thanks %visitor.name%, lead %lead_id%, we will call %visitor.phone%" }
  sorry: { type: handoff, reason: lead_failed }
`;

export const TICKET_BOT = `
renkei: 1
id: pd-ticket
name: Ticket
locale: ja
start: ask_email
blocks:
  ask_email: { type: ask, kind: email, prompt: "メール?", save: visitor.email, next: ask_issue }
  ask_issue: { type: ask, kind: text, prompt: "内容?", save: issue, next: open }
  open:
    type: helpdesk.ticket
    subject: "問い合わせ %visitor.email%"
    description: "%issue%"
    status: Open
    department: Support
    save: { id: ticket_id, number: ticket_number }
    ports: { success: done, failure: sorry }
  done: { type: end, text: "番号 %ticket_number%" }
  sorry: { type: handoff, reason: ticket_failed }
`;

/** A lead bot that asks for consent before it asks for anything personal. */
export const CONSENT_BOT = `
renkei: 1
id: pd-consent
name: Consent
locale: en
start: privacy
blocks:
  privacy:
    type: consent
    text: "We keep your email to answer you."
    link: { url: "https://example.com/privacy", label: "Privacy policy" }
    next: ask_email
    declined: bye
  ask_email: { type: ask, kind: email, prompt: "Email?", save: visitor.email, next: bye }
  bye: { type: end, text: "Bye" }
`;
