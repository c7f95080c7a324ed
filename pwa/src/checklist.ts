// The checklist as the server sends it, and the same answer rules the server applies
// (backend/checklists/scoring.py), so the phone can demand the evidence before submitting.

import type { Answer, Capture, LocalInspection, LocalResult } from './db';

export interface I18nText {
  zh: string;
  en: string;
}

export type AnswerSpec =
  | { type: 'pass_fail' }
  | {
      type: 'number';
      unit?: string;
      min?: number | null;
      max?: number | null;
      pass_min?: number | null;
      pass_max?: number | null;
      integer?: boolean;
    }
  | { type: 'choice'; options: { value: string; zh: string; en: string; passes: boolean }[] };

export interface Item {
  code: string;
  area: string;
  clause_ref?: string;
  clause_text?: string;
  title: I18nText;
  guidance?: I18nText;
  answer: AnswerSpec;
  severity: 'minor' | 'major' | 'urgent';
  on_fail: { photo: boolean; note: boolean };
}

export interface ChecklistVersion {
  id: number; // checklist_version_id
  checklist_id: number;
  number: number;
  code: string;
  content_hash: string;
  status: string;
  definition: {
    code: string;
    title: I18nText;
    areas: { key: string; title: I18nText; weight: number }[];
    items: Item[];
  };
}

export type Outcome = 'pass' | 'fail' | 'not_applicable' | null;

export function outcomeOf(item: Item, answer: Answer | null | undefined): Outcome {
  if (answer === null || answer === undefined || answer === '') return null;
  if (answer === 'not_applicable') return 'not_applicable';
  const spec = item.answer;
  if (spec.type === 'number') {
    if (typeof answer !== 'number' || !Number.isFinite(answer)) return null;
    const low = spec.pass_min != null && answer < spec.pass_min;
    const high = spec.pass_max != null && answer > spec.pass_max;
    return low || high ? 'fail' : 'pass';
  }
  if (spec.type === 'choice') {
    const option = spec.options.find((o) => o.value === answer);
    return option ? (option.passes ? 'pass' : 'fail') : null;
  }
  return answer === 'pass' || answer === 'fail' ? answer : null;
}

export function numberProblem(item: Item, value: number): boolean {
  const spec = item.answer;
  if (spec.type !== 'number' || !Number.isFinite(value)) return true;
  if (spec.integer && !Number.isInteger(value)) return true;
  if (spec.min != null && value < spec.min) return true;
  if (spec.max != null && value > spec.max) return true;
  return false;
}

export interface Missing {
  note: boolean;
  photo: boolean;
}

/** What a failed item still lacks of what the checklist demands. */
export function missingEvidence(item: Item, result: LocalResult | undefined): Missing {
  if (!result || outcomeOf(item, result.answer) !== 'fail') return { note: false, photo: false };
  return {
    note: item.on_fail.note && !result.note.trim(),
    photo: item.on_fail.photo && result.photos.length === 0,
  };
}

export interface Review {
  answered: number;
  total: number;
  pass: number;
  fail: number;
  na: number;
  unanswered: Item[];
  incomplete: { item: Item; index: number; missing: Missing }[];
}

export function review(version: ChecklistVersion, inspection: LocalInspection): Review {
  const items = version.definition.items;
  const out: Review = { answered: 0, total: items.length, pass: 0, fail: 0, na: 0, unanswered: [], incomplete: [] };
  items.forEach((item, index) => {
    const result = inspection.results[item.code];
    const outcome = outcomeOf(item, result?.answer);
    if (outcome === null) {
      out.unanswered.push(item);
      return;
    }
    out.answered++;
    if (outcome === 'pass') out.pass++;
    else if (outcome === 'fail') out.fail++;
    else out.na++;
    const missing = missingEvidence(item, result);
    if (missing.note || missing.photo) out.incomplete.push({ item, index, missing });
  });
  return out;
}

/** Items in walking order: area by area as the definition lists the areas. */
export function orderedItems(version: ChecklistVersion): Item[] {
  const order = new Map(version.definition.areas.map((a, i) => [a.key, i]));
  return [...version.definition.items].sort(
    (a, b) => (order.get(a.area) ?? 99) - (order.get(b.area) ?? 99),
  );
}

/** The body of PUT /api/inspections/{uuid}. Only answered items are sent. */
/** The PUT body; `captures` (by photo hash) are sent beside the photos that have one. */
export function requestBody(
  version: ChecklistVersion,
  inspection: LocalInspection,
  captures: Record<string, Capture> = {},
) {
  const results = orderedItems(version)
    .filter((item) => outcomeOf(item, inspection.results[item.code]?.answer) !== null)
    .map((item) => {
      const result = inspection.results[item.code];
      const known = result.photos.filter((h) => captures[h]).map((h) => captures[h]);
      return {
        item_code: item.code,
        answer: result.answer,
        note: result.note.trim(),
        position: result.position,
        photos: result.photos,
        ...(known.length ? { captures: known } : {}),
      };
    });
  return {
    estate_id: inspection.estateId,
    checklist_version_id: inspection.checklistVersionId,
    status: 'submitted' as const,
    started_at: inspection.startedAt,
    finished_at: inspection.finishedAt,
    position: inspection.position,
    results,
  };
}

/** A number item whose passing range is one value (a count of defects that must be 0): passing
 *  it needs no typing, and the number is asked only on failure. */
export function singlePassValue(item: Item): number | null {
  const spec = item.answer;
  if (spec.type !== 'number') return null;
  const low = spec.pass_min ?? spec.min ?? null;
  const high = spec.pass_max ?? spec.max ?? null;
  return low !== null && low === high ? low : null;
}

/** The answer that passes the item without typing, or null when only a measured value can. */
export function passingAnswer(item: Item): Answer | null {
  const spec = item.answer;
  if (spec.type === 'pass_fail') return 'pass';
  if (spec.type === 'choice') return spec.options.find((o) => o.passes)?.value ?? null;
  return singlePassValue(item);
}

/** Unanswered items of `area` that one "pass the rest" can answer, in walking order. */
export function passableRest(items: Item[], area: string, inspection: LocalInspection): Item[] {
  return items.filter(
    (item) =>
      item.area === area &&
      outcomeOf(item, inspection.results[item.code]?.answer) === null &&
      passingAnswer(item) !== null,
  );
}
