// Taking or picking photos, shared by the inspection's findings and the firm's after-photos: the
// camera (capture) and the gallery are two inputs, so the app knows which one a photo came from.
// Each photo is processed and stored in IndexedDB before the caller hears of it.

import { useEffect, useState } from 'preact/hooks';
import { app } from '../app-state';
import { on } from '../bus';
import { getPhoto, type Capture, type Position } from '../db';
import { currentFix } from '../gps';
import { t } from '../i18n';
import { PhotoProblem, storePhoto, type PhotoOwner } from '../photos';
import { useStore } from '../store';
import { photoBlob } from '../tickets';

interface Props {
  photos: string[];
  max: number;
  owner: PhotoOwner;
  /** Called once per stored photo, in order; the caller adds it to its record. */
  onAdd: (hash: string, position: Position | null) => Promise<void> | void;
  onRemove?: (hash: string) => void;
  label: string;
  /** test ids: the camera input, the gallery input, each thumbnail */
  testId: string;
  galleryTestId: string;
  thumbTestId: string;
  multiple?: boolean;
  disabled?: boolean;
}

export function PhotoCapture(props: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFiles = async (event: Event, source: Capture['source']) => {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (!files.length) return;
    setBusy(true);
    setError(null);
    let count = props.photos.length;
    try {
      for (const file of files) {
        if (count >= props.max) {
          setError(t('photo_limit', { n: props.max }));
          break;
        }
        const photo = await storePhoto(file, source, props.owner, currentFix());
        await props.onAdd(photo.hash, photo.position);
        count++;
      }
    } catch (e) {
      // The browser's own words (often English) stay in the console; the user reads ours.
      console.error('photo failed', e);
      setError(t(e instanceof PhotoProblem ? e.key : 'photo_failed'));
    } finally {
      setBusy(false);
    }
  };

  const disabled = busy || props.disabled;
  return (
    <>
      <div class="thumbs">
        {props.photos.map((hash) => (
          <Thumb
            key={hash}
            hash={hash}
            testId={props.thumbTestId}
            onRemove={props.onRemove ? () => props.onRemove!(hash) : undefined}
          />
        ))}
        <label class="button camera">
          {!busy && <CameraIcon />}
          {busy ? t('photo_processing') : props.label}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            multiple={props.multiple}
            onChange={(e) => void onFiles(e, 'camera')}
            disabled={disabled}
            data-testid={props.testId}
          />
        </label>
        <label class="button camera gallery">
          {t('photo_from_gallery')}
          <input
            type="file"
            accept="image/*,.heic,.heif"
            multiple
            onChange={(e) => void onFiles(e, 'gallery')}
            disabled={disabled}
            data-testid={props.galleryTestId}
          />
        </label>
      </div>
      {error && (
        <p class="error small" data-testid="photo-error">
          {error}
        </p>
      )}
    </>
  );
}

function CameraIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
      <path d="M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" />
      <circle cx="12" cy="13" r="4" />
    </svg>
  );
}

/** A photo kept on this phone (not sent yet, or sent and kept until its record is done). An
 *  original this browser cannot show (HEIC) is a placeholder until uploaded, then the server's
 *  thumbnail; after its record is done the blob is gone and the server's thumbnail stands in. */
export function Thumb({ hash, onRemove, testId }: { hash: string; onRemove?: () => void; testId: string }) {
  const userId = useStore(app).session?.user.id ?? 0;
  const [url, setUrl] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let gone = false;
    const show = (blob: Blob) => {
      if (gone) return;
      if (made) URL.revokeObjectURL(made);
      setUrl((made = URL.createObjectURL(blob)));
      setWaiting(false);
    };
    const load = async () => {
      const photo = await getPhoto(hash);
      if (photo && !photo.original) return show(photo.blob);
      if (photo && !photo.uploaded) return setWaiting(true);
      await photoBlob(userId, hash, 'thumb').then(show, () => setWaiting(true));
    };
    void load();
    // An original waiting for the server: look again when the outbox moves.
    const off = on('queue-changed', () => {
      if (!made) void load();
    });
    return () => {
      gone = true;
      off();
      if (made) URL.revokeObjectURL(made);
    };
  }, [hash]);
  return (
    <span class="thumb" data-testid={testId} data-sha={hash} data-waiting={waiting ? 'true' : 'false'}>
      {url ? <img src={url} alt="" /> : waiting && <span class="placeholder small">{t('photo_pending_server')}</span>}
      {onRemove && (
        <button type="button" aria-label={t('photo_remove')} title={t('photo_remove')} onClick={onRemove}>
          ×
        </button>
      )}
    </span>
  );
}
