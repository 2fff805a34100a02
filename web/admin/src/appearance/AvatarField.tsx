import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IMAGE_MAX_BYTES } from '../../../../src/appearance/image-type.ts';
import { imagePath } from '../../../../src/appearance/settings.ts';
import { request } from '../api.ts';
import { Failure } from '../Failure.tsx';
import { useSubmit } from '../use-submit.ts';

/** The avatar: the stored image's id, with an upload (the server judges the type by the bytes) and a remove. */
export function AvatarField({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [uploaded, setUploaded] = useState(false);
  const send = useSubmit();

  const upload = (file: File) =>
    send.run(async () => {
      setUploaded(false);
      // Refused here, before the bytes go: the server would refuse them too.
      if (file.size > IMAGE_MAX_BYTES) throw new Error(t('appearance.avatarTooBig', { size: file.size }));
      const res = await request('/images', {
        method: 'POST',
        body: file,
        contentType: file.type || 'application/octet-stream',
      });
      const stored = (await res.json()) as { id: string };
      onChange(stored.id);
      setUploaded(true);
    });

  return (
    <fieldset aria-busy={send.pending}>
      <legend>{t('appearance.avatar')}</legend>
      {value !== '' && <img className="avatar-current" src={imagePath(value)} alt={t('appearance.avatarCurrent')} width={48} height={48} />}
      <div className="field">
        <label htmlFor={id}>{t('appearance.avatarUpload')}</label>
        <input
          id={id}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          disabled={send.pending}
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
      {uploaded && (
        <p className="status ok" role="status">
          {t('appearance.avatarUploaded')}
        </p>
      )}
      <Failure error={send.error} />
    </fieldset>
  );
}
