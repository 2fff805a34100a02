import nodemailer from 'nodemailer';

/**
 * E-mail to the team over SMTP (nodemailer): invitations, and new hand-offs. Configured by
 * RENKEI_SMTP_URL (`smtp://user:password@host:587`, `smtps://…` for implicit TLS) and
 * RENKEI_SMTP_FROM (the sender, default `Renkei <renkei@localhost>`). Without RENKEI_SMTP_URL
 * nothing is e-mailed: invitation links are shown to copy.
 */
export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export class MailConfigError extends Error {
  override readonly name = 'MailConfigError';
}

export function mailerFromEnv(env: Readonly<Record<string, string | undefined>>): Mailer | undefined {
  const url = env['RENKEI_SMTP_URL']?.trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailConfigError('RENKEI_SMTP_URL must be a URL such as smtp://user:password@mail.example.com:587');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new MailConfigError(`RENKEI_SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//`);
  }
  const from = env['RENKEI_SMTP_FROM']?.trim() || 'Renkei <renkei@localhost>';
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: [...mail.to], subject: mail.subject, text: mail.text });
    },
  };
}
