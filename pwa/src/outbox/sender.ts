// What the outbox needs to know about one kind of record it carries.

import type { Sendable } from './retry';

export interface Sender<R extends Sendable> {
  kind: 'inspection' | 'action';
  /** This user's records of the kind (all users' when userId is null). */
  records(userId: number | null): Promise<R[]>;
  /** Change one record atomically. */
  update(id: string, change: (record: R) => void): Promise<unknown>;
  /** The photos the record refers to (sent first; their blobs dropped once it is done). */
  photos(record: R): string[];
  /** Send the record, photos first. Resolves with what to note on the record once it is done;
   *  throws to let the outbox settle the failure (retry later, or keep as failed). */
  send(record: R): Promise<(done: R) => void>;
}
