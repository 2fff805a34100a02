import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Mode = 'bubble' | 'inline' | 'page';

/** What a site adds for each embed mode, from this server's address. */
export function snippets(origin: string, botId: string): Readonly<Record<Mode, string>> {
  const script = `<script src="${origin}/widget.js" data-bot="${botId}"`;
  return {
    bubble: `${script} async></script>`,
    inline: `<div id="renkei-chat" style="height: 560px"></div>\n${script} data-mode="inline" data-target="#renkei-chat" async></script>`,
    page: `${origin}/chat/${botId}`,
  };
}

function Snippet({ mode, text }: { mode: Mode; text: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [copied, setCopied] = useState<boolean | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text is selectable below.
      setCopied(false);
    }
  }
  return (
    <div className="snippet">
      <h3 id={id}>{t(`embed.${mode}`)}</h3>
      <pre aria-labelledby={id} tabIndex={0}>
        <code>{text}</code>
      </pre>
      <button type="button" onClick={() => void copy()} aria-label={t('embed.copyLabel', { mode: t(`embed.${mode}`) })}>
        {t('embed.copy')}
      </button>{' '}
      <span role="status">{copied === true ? t('embed.copied') : copied === false ? t('embed.copyFailed') : ''}</span>
    </div>
  );
}

/** The three ways to put the chat on a site, each ready to copy. */
export function EmbedSnippets({ botId }: { botId: string }) {
  const { t } = useTranslation();
  const texts = snippets(location.origin, botId);
  return (
    <section className="embed" aria-labelledby="embed-heading">
      <h2 id="embed-heading">{t('embed.heading')}</h2>
      <p className="hint">{t('embed.hint')}</p>
      {(['bubble', 'inline', 'page'] as const).map((mode) => (
        <Snippet key={mode} mode={mode} text={texts[mode]} />
      ))}
    </section>
  );
}
