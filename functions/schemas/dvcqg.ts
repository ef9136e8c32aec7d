import { z } from 'zod';
import { type Instant, InvalidInstantError, parseLocalCompact } from '../core/instant.ts';
import { IdSchema, PhoneSchema } from './events.ts';

/**
 * The national portal's dossier synchronisation feed (docs/law.md §7), read as provincial one-stop
 * systems send it: every value a string, instants `yyyyMMddHHmmss` local time, `""` for absent. Someone
 * else's format: unknown fields are ignored (and the raw item kept by the adapter), but a field dunghan
 * uses with a bad value refuses the item, naming the field and the reason.
 */

export const DVCQG_SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;
export type DvcqgService = (typeof DVCQG_SERVICES)[number];

export const DVCQG_STATUSES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;
export type DvcqgStatus = (typeof DVCQG_STATUSES)[number];

const STRING = 'must be a string (the portal sends every value as a string)';
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;

/** A string value; `""` (or only spaces) and a missing key are both absent: null. */
const present = () =>
  z
    .string({ error: STRING })
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v));

/** An instant `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh, or null. */
const PortalInstant = present().transform((v, ctx): Instant | null => {
  if (v === null) return null;
  try {
    return parseLocalCompact(v.trim());
  } catch (err) {
    if (!(err instanceof InvalidInstantError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
});

/** Free text as shown to people: NFC, control characters dropped, spaces collapsed, clipped; or null. */
const PortalText = (max: number) =>
  present().transform((v) => {
    if (v === null) return null;
    const t = v.normalize('NFC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
    if (t === '') return null;
    return t.length > max ? `${t.slice(0, max - 1)}…` : t;
  });

/** A code used as an identifier (MaHoSo, MaTTHC): the contract's id rules, or null when absent. */
const PortalId = present().transform((v, ctx) => {
  if (v === null) return null;
  const id = IdSchema.safeParse(v);
  if (id.success) return id.data;
  ctx.addIssue({ code: 'custom', message: id.error.issues[0]?.message ?? 'is not a valid code' });
  return z.NEVER;
});

const PortalPhone = present().transform((v, ctx) => {
  if (v === null) return null;
  const phone = PhoneSchema.safeParse(v.trim());
  if (phone.success) return phone.data;
  ctx.addIssue({ code: 'custom', message: phone.error.issues[0]?.message ?? 'is not a valid phone number' });
  return z.NEVER;
});

/** A list: an array, or `""` / missing for none (opencps always sends empty lists). */
const PortalList = <T extends z.ZodType>(item: T, what: string) =>
  z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z
      .array(item, { error: `must be an array of ${what}` })
      .optional()
      .transform((v) => v ?? []),
  );

/** One supplement round (DanhSachHoSoBoSung): when it was asked for and when the papers came. */
const SupplementRoundSchema = z
  .looseObject(
    {
      NgayBoSung: PortalInstant,
      NgayTiepNhanBoSung: PortalInstant,
    },
    { error: 'must be an object (a supplement round)' },
  )
  .transform((r) => ({ requestedAt: r.NgayBoSung, receivedAt: r.NgayTiepNhanBoSung }));

/** A dossier snapshot (DongBoHoSoMC): the fields dunghan reads; all others stay in the raw item. */
export const DvcqgSnapshotSchema = z
  .looseObject({
    MaHoSo: PortalId,
    MaTTHC: PortalId,
    TenTTHC: PortalText(300),
    ChuHoSo: PortalText(120),
    SoDienThoai: PortalPhone,
    TrangThaiHoSo: z.enum(DVCQG_STATUSES, {
      error: (issue) =>
        issue.input === undefined ? 'is required' : 'must be one of "1" … "10" (a TrangThaiHoSo code, as a string)',
    }),
    NgayTiepNhan: PortalInstant,
    NgayHenTra: PortalInstant,
    NgayKetThucXuLy: PortalInstant,
    NgayTra: PortalInstant,
    NgayYeuCauBoSung: PortalInstant,
    NgayTuChoi: PortalInstant,
    DonViXuLy: PortalText(300),
    DanhSachHoSoBoSung: PortalList(SupplementRoundSchema, 'supplement rounds'),
  })
  .transform((s) => ({
    dossierId: s.MaHoSo,
    procedureCode: s.MaTTHC,
    procedureName: s.TenTTHC,
    applicantName: s.ChuHoSo,
    applicantPhone: s.SoDienThoai,
    status: s.TrangThaiHoSo,
    receivedAt: s.NgayTiepNhan,
    appointmentAt: s.NgayHenTra,
    endedAt: s.NgayKetThucXuLy,
    returnedAt: s.NgayTra,
    supplementAskedAt: s.NgayYeuCauBoSung,
    refusedAt: s.NgayTuChoi,
    unitName: s.DonViXuLy,
    rounds: s.DanhSachHoSoBoSung,
  }));
export type DvcqgSnapshot = Omit<z.output<typeof DvcqgSnapshotSchema>, 'dossierId'> & { dossierId: string };

/** A processing-progress row (CapNhatTienDoHoSoMC): which department acted on the dossier, and when. */
export const DvcqgProgressSchema = z
  .looseObject({
    MaHoSo: PortalId,
    PhongBanXuLy: PortalText(300),
    ThoiDiemXuLy: PortalInstant,
    NgayBatDau: PortalInstant,
    NoiDungXuLy: PortalText(500),
  })
  .transform((r) => ({
    dossierId: r.MaHoSo,
    unitName: r.PhongBanXuLy,
    actedAt: r.ThoiDiemXuLy,
    startedAt: r.NgayBatDau,
    action: r.NoiDungXuLy,
  }));
export type DvcqgProgress = Omit<z.output<typeof DvcqgProgressSchema>, 'dossierId'> & { dossierId: string };

export type FeedItemResult<T> =
  | { ok: true; item: T }
  | { ok: false; dossierId: string | null; field: string; reason: string };

function parseItem<T extends { dossierId: string | null }>(
  schema: z.ZodType<T>,
  input: unknown,
): FeedItemResult<T & { dossierId: string }> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, dossierId: null, field: '(item)', reason: 'must be a JSON object' };
  const raw = input as Record<string, unknown>;
  const dossierId = typeof raw.MaHoSo === 'string' && IdSchema.safeParse(raw.MaHoSo).success ? raw.MaHoSo : null;
  const result = schema.safeParse(input, {
    error: (issue) => (issue.input === undefined && issue.code === 'invalid_type' ? 'is required' : undefined),
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.').slice(0, 80) : '(item)';
    return { ok: false, dossierId, field, reason: issue.message };
  }
  if (result.data.dossierId === null) return { ok: false, dossierId: null, field: 'MaHoSo', reason: 'is required' };
  return { ok: true, item: result.data as T & { dossierId: string } };
}

export const parseSnapshot = (input: unknown) => parseItem(DvcqgSnapshotSchema, input) as FeedItemResult<DvcqgSnapshot>;
export const parseProgress = (input: unknown) => parseItem(DvcqgProgressSchema, input) as FeedItemResult<DvcqgProgress>;

/** A request body: the envelope `{session, madonvi, service, isUpdating, data}` or a bare array of items. */
export type FeedBody =
  | { ok: true; madonvi: string | null; items: unknown[] }
  | { ok: false; field: string; reason: string };

export function parseFeedBody(service: DvcqgService, body: unknown): FeedBody {
  if (Array.isArray(body)) return { ok: true, madonvi: null, items: body };
  if (typeof body !== 'object' || body === null)
    return {
      ok: false,
      field: '(body)',
      reason: 'must be the portal envelope {"service", "madonvi", "data": [...]} or a JSON array of items',
    };
  const envelope = body as Record<string, unknown>;
  if (envelope.service !== undefined && envelope.service !== service)
    return {
      ok: false,
      field: 'service',
      reason:
        typeof envelope.service === 'string'
          ? `is ${JSON.stringify(envelope.service.slice(0, 40))}; this route takes "${service}"`
          : STRING,
    };
  if (envelope.madonvi !== undefined && typeof envelope.madonvi !== 'string')
    return { ok: false, field: 'madonvi', reason: STRING };
  if (!Array.isArray(envelope.data))
    return {
      ok: false,
      field: 'data',
      reason: envelope.data === undefined ? 'is required (the array of items)' : 'must be an array of items',
    };
  const madonvi = typeof envelope.madonvi === 'string' && envelope.madonvi.trim() !== '' ? envelope.madonvi : null;
  return { ok: true, madonvi, items: envelope.data };
}
