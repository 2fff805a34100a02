import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IMAGE_MAX_BYTES } from '../../../../src/appearance/image-type.ts';
import { imagePath } from '../../../../src/appearance/settings.ts';
import { errorText, request } from '../api.ts';

/** The avatar: the stored image's id, with an upload (the server judges the type by the bytes) and a remove. */
export function AvatarField({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  async function upload(file: File) {
    setMessage(null);
    if (file.size > IMAGE_MAX_BYTES) {
      setMessage({ kind: 'error', text: t('appearance.avatarTooBig', { size: file.size }) });
      return;
    }
    try {
      const res = await request('/images', {
        method: 'POST',
        body: file,
        contentType: file.type || 'application/octet-stream',
      });
      const stored = (await res.json()) as { id: string };
      onChange(stored.id);
      setMessage({ kind: 'ok', text: t('appearance.avatarUploaded') });
    } catch (err) {
      setMessage({ kind: 'error', text: errorText(err) });
    }
  }

  return (
    <fieldset>
      <legend>{t('appearance.avatar')}</legend>
      {value !== '' && <img className="avatar-current" src={imagePath(value)} alt={t('appearance.avatarCurrent')} width={48} height={48} />}
      <div className="field">
        <label htmlFor={id}>{t('appearance.avatarUpload')}</label>
        <input
          id={id}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
            e.target.value = '';
          }}
        />
      </div>
      {value !== '' && (
        <button type="button" onClick={() => onChange('')}>
          {t('appearance.avatarRemove')}
        </button>
      )}
      {message && (
        <p className={message.kind === 'error' ? 'error' : 'status ok'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </fieldset>
  );
}
