// The inspection sender: photos first, then PUT /api/inspections/{uuid} with the body frozen at
// submission (every retry is byte-for-byte the same request, which the server answers with 200).

import { ApiError, request } from '../api';
import { emit } from '../bus';
import { allInspections, updateInspection, type LocalInspection } from '../db';
import { forgetUploaded, sendPhoto } from './photos';
import type { Sender } from './sender';

function photoHashes(record: LocalInspection): string[] {
  return [...new Set(Object.values(record.results).flatMap((r) => r.photos))];
}

async function send(record: LocalInspection): Promise<(done: LocalInspection) => void> {
  const hashes = photoHashes(record);
  for (let round = 0; round < 3; round++) {
    let sent = 0;
    for (const hash of hashes) {
      await sendPhoto(hash);
      sent++;
      await updateInspection(record.id, (r) => {
        r.photosSent = Math.max(r.photosSent, sent);
        r.photosTotal = hashes.length;
      });
      emit('queue-changed');
    }
    const response = await request(`/api/inspections/${record.id}`, {
      method: 'PUT',
      json: record.payload,
      timeoutMs: 60_000,
    });
    const body = (await response.json()) as { missing_photos?: string[]; evidence_flags?: string[] };
    const missing = body.missing_photos ?? [];
    if (missing.length === 0) {
      return (r) => {
        r.serverStatus = response.status;
        r.photosSent = hashes.length;
        r.evidenceFlags = body.evidence_flags ?? [];
      };
    }
    // The server lacks some photos we believed stored: send them again, then re-confirm.
    await forgetUploaded(missing);
  }
  throw new ApiError(0, 'photos_missing', 'the server still reports missing photos');
}

export const inspectionSender: Sender<LocalInspection> = {
  kind: 'inspection',
  records: async (userId) => (await allInspections()).filter((r) => userId === null || r.userId === userId),
  update: updateInspection,
  photos: photoHashes,
  send,
};
