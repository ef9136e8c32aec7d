import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkingCalendar } from '../../functions/core/calendar.ts';
import { computeDueAt, parseLimit } from '../../functions/core/clock.ts';
import { formatInstant, formatLocalCompact, type Instant, parseInstant } from '../../functions/core/instant.ts';
import { loadCalendar } from '../../functions/reference/data.ts';

/**
 * The export a provincial one-stop system would have pushed to the national portal (docs/law.md §7)
 * for a stream of dunghan events, as `dunghan replay --format dvcqg` reads it: per dossier a
 * DongBoHoSoMC snapshot at each change of status (2 received, 4 processing, 5 supplement requested and
 * back to 4, 9 processed, 10 returned, 3 refused) and CapNhatTienDoHoSoMC rows as each unit takes the
 * dossier, finishes its step, or takes it back from a parallel step that ended; units and officers'
 * apologies, which the feed does not carry, stay native lines. Its purpose: the same dossiers through the feed must end as they end natively.
 *
 *   npx tsx local/tools/dvcqg-export.ts <events.ndjson> <export.ndjson>
 */

type Json = Record<string, unknown>;
interface Line {
  at: Instant;
  order: number;
  text: string;
}

const compact = formatLocalCompact;
const ROWS_PER_CALL = 10;

export function exportDvcqg(lines: readonly string[], calendar: WorkingCalendar): string[] {
  const out: Line[] = [];
  let order = 0;
  const push = (at: Instant, value: Json) => out.push({ at, order: order++, text: JSON.stringify(value) });
  const unitNames = new Map<string, string>();
  const byDossier = new Map<string, Json[]>();
  for (const text of lines) {
    if (!text.trim()) continue;
    const e = JSON.parse(text) as Json;
    if (e.type === 'unit.upserted') {
      unitNames.set(e.unitId as string, e.name as string);
      push(parseInstant(e.at as string), e);
    } else if (e.type === 'apology.issued') push(parseInstant(e.at as string), e);
    else {
      const id = e.dossierId as string;
      byDossier.set(id, [...(byDossier.get(id) ?? []), e]);
    }
  }
  // Calls of one service at one instant share a request, as the systems batch them.
  const calls = new Map<string, { at: Instant; service: string; items: Json[] }>();
  const call = (at: Instant, service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC', item: Json) => {
    const k = `${at}|${service}`;
    const c = calls.get(k) ?? { at, service, items: [] };
    c.items.push(item);
    calls.set(k, c);
  };
  let n = 0;
  for (const [dossierId, events] of byDossier) exportDossier(dossierId, events, n++);
  for (const c of calls.values()) {
    for (let i = 0; i < c.items.length; i += ROWS_PER_CALL) {
      const data = c.items.slice(i, i + ROWS_PER_CALL);
      // Both forms of the feed: opencps's envelope for snapshots, TD's bare arrays for progress rows.
      const body =
        c.service === 'DongBoHoSoMC'
          ? { session: 'export', madonvi: '000.00.00.H15', service: c.service, isUpdating: 'True', data }
          : data;
      push(c.at, { at: formatInstant(c.at), service: c.service, body });
    }
  }
  return out.sort((a, b) => a.at - b.at || a.order - b.order).map((l) => l.text);

  function exportDossier(dossierId: string, events: Json[], index: number) {
    const at = (e: Json) => parseInstant(e.at as string);
    const received = events.find((e) => e.type === 'dossier.received');
    if (!received) return;
    const r = at(received);
    const path = received.path as { stepId: string; unitId: string }[][];
    const applicant = received.applicant as { name: string; phone: string };
    const receiving = path[0]![0]!.unitId;
    const name = unitNames.get(receiving) ?? receiving;
    // The names a feed really sends: as written, in capitals, decomposed (NFD) with stray spaces.
    const variants = [name, name.toLocaleUpperCase('vi'), ` ${name.normalize('NFD')}  `];
    const rounds: Json[] = [];
    const snapshot = (status: string, t: Instant, extra: Json = {}) =>
      call(t, 'DongBoHoSoMC', {
        MaHoSo: dossierId,
        MaTTHC: received.procedureCode,
        TenTTHC: received.procedureName,
        MaLinhVuc: '',
        TenLinhVuc: '',
        SoBienNhan: dossierId,
        ChuHoSo: applicant.name,
        LoaiDoiTuong: '1',
        MaDoiTuong: '',
        SoDienThoai: applicant.phone,
        Email: '',
        TrichYeuHoSo: received.procedureName,
        NgayTiepNhan: compact(r),
        NgayHenTra: compact(computeDueAt(calendar, r, parseLimit(received.limit as string))),
        TrangThaiHoSo: status,
        NgayTra: '',
        ThongTinTra: '',
        HinhThuc: '0',
        NgayKetThucXuLy: '',
        DonViXuLy: variants[index % variants.length],
        GhiChu: '',
        KenhThucHien: calendar.isWorkingInstant(r) ? '1' : '2',
        TaiLieuNop: [],
        DanhSachLePhi: [],
        DanhSachTepDinhKemKhac: [],
        DanhSachGiayToKetQua: [],
        DanhSachHoSoBoSung: rounds.map((x) => ({ ...x })),
        ...extra,
      });
    const row = (unitId: string | null, from: Instant, t: Instant, action: string, status: string) =>
      call(t, 'CapNhatTienDoHoSoMC', {
        MaHoSo: dossierId,
        NguoiXuLy: 'Chuyên viên',
        ChucDanh: '',
        ThoiDiemXuLy: compact(t),
        PhongBanXuLy: unitId === null ? '' : (unitNames.get(unitId) ?? unitId),
        NoiDungXuLy: action,
        TrangThai: status,
        NgayBatDau: unitId === null ? '' : compact(from),
        NgayKetThucTheoQuyDinh: '',
      });

    snapshot('2', r);
    // The one-stop desk's own row, as some systems push it: no department named.
    row(null, r, r, 'Tiếp nhận hồ sơ', '2');
    const stageOf = new Map(path.flatMap((stage, i) => stage.map((s) => [s.stepId, i] as const)));
    const unitOf = new Map(path.flat().map((s) => [s.stepId, s.unitId] as const));
    const done = new Map<string, Instant>();
    const opened: Instant[] = [r];
    const openStage = (k: number, t: Instant) => {
      opened[k] = t;
      for (const s of path[k]!) row(s.unitId, t, t, 'Nhận hồ sơ xử lý', '4');
      if (k === 1) snapshot('4', t);
    };
    openStage(0, r);
    const sorted = events.filter((e) => e !== received).sort((a, b) => at(a) - at(b));
    for (const e of sorted) {
      const t = at(e);
      if (e.type === 'step.completed') {
        const stepId = e.stepId as string;
        const k = stageOf.get(stepId)!;
        done.set(stepId, t);
        const unitId = unitOf.get(stepId)!;
        row(unitId, opened[k]!, t, 'Hoàn thành xử lý', '4');
        // One holder at a time: a parallel step that ends first hands the dossier back to a sibling's unit.
        const sibling = path[k]!.find((s) => !done.has(s.stepId) && s.unitId !== unitId);
        if (sibling) row(sibling.unitId, t, t, 'Nhận lại hồ sơ', '4');
        if (path[k]!.every((s) => done.has(s.stepId))) {
          if (k + 1 < path.length) openStage(k + 1, t);
          else snapshot('9', t, { NgayKetThucXuLy: compact(t) });
        }
      } else if (e.type === 'supplement.requested') {
        rounds.push({
          HoSoBoSungId: `${dossierId}-BS${rounds.length + 1}`,
          NguoiYeuCauBoSung: 'Chuyên viên',
          NoiDungBoSung: 'Bổ sung giấy tờ theo quy định',
          NgayBoSung: compact(t),
          NgayTiepNhanBoSung: '',
          TrangThaiBoSung: '0',
          NgayHenTraTruoc: '',
          NgayHenTraMoi: '',
        });
        snapshot('5', t);
      } else if (e.type === 'supplement.received') {
        const open = rounds.at(-1);
        if (open) Object.assign(open, { NgayTiepNhanBoSung: compact(t), TrangThaiBoSung: '1' });
        snapshot('4', t);
      } else if (e.type === 'dossier.resolved') {
        const end = [...done.values()].reduce((a, b) => Math.max(a, b), r);
        const all = path.flat().every((s) => done.has(s.stepId));
        snapshot('10', t, { NgayKetThucXuLy: compact(all ? end : t), NgayTra: compact(t) });
      } else if (e.type === 'dossier.rejected') {
        snapshot('3', t, { NgayTuChoi: compact(t), NgayKetThucXuLy: compact(t) });
      } else if (e.type === 'dossier.withdrawn') {
        snapshot('7', t, { NgayKetThucXuLy: compact(t) });
      } else if (e.type === 'dossier.returned') {
        snapshot('8', t, { NgayKetThucXuLy: compact(t) });
      }
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: npx tsx local/tools/dvcqg-export.ts <events.ndjson> <export.ndjson>');
    process.exit(2);
  }
  const lines = exportDvcqg(readFileSync(input, 'utf8').split('\n'), loadCalendar());
  writeFileSync(output, `${lines.join('\n')}\n`);
  console.log(`wrote ${output}: ${lines.length} lines`);
}
