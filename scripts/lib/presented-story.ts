/**
 * The demo's story of presented declarations (DOMAIN.md "Contracts known at DUO, and presented declarations") on the
 * small country the API loader registered them for: printed, with the ids and console pages to look at.
 */
import { Api } from './api-client';
import { LoadedDataset, PresentedExemption } from '../generator/api-loader';

interface Exemption {
  status: string;
  declarations: { id: string; knownAtDuo: boolean; schoolId: string | null }[];
  timeline: { details?: { forgeryReportIds?: string[] } | null }[];
}

/** The small country's presented declarations (DOMAIN.md), each DUO's exemption request of its own. */
const PRESENTED_STORIES: Record<PresentedExemption['story'], string> = {
  MATCHED: "matched in the clean school's register: the registered declaration is used, nothing recorded",
  NOT_REGISTERED:
    'not in the register of the school it names: the school is asked, denies it -> forgery report',
  CLOSED_SCHOOL: 'in the name of a school that closed: the learner is asked at once, his evidence verified',
  UNKNOWN_KVK: 'in the name of a KvK that is no registered school: the learner is asked at once',
};

/**
 * What DUO's check of the learners' papers came to: the match with the register and where step 3 sent each, then the
 * two steps a person takes (the school denies, DUO records the learner's evidence), with the pages to look at.
 */
export async function presentedDeclarations(loaded: LoadedDataset, baseUrl: string): Promise<void> {
  if (loaded.presented.length === 0) return console.log('  (the data set plants no presented declarations)');
  const duo = loaded.duo;
  for (const p of loaded.presented) {
    if (p.story === 'NOT_REGISTERED') {
      const school = (loaded.schools.get(p.schoolKvk) as { api: Api }).api;
      const requests = await school.all<{ id: string; declarationIds: string[] }>(
        '/confirmation-requests?status=PENDING',
      );
      const request = requests.find((r) => r.declarationIds.includes(p.declarationId));
      if (request)
        await school.post(`/confirmation-requests/${request.id}/response`, {
          issued: false,
          note: 'We never issued this declaration.',
        });
    }
    if (p.story === 'CLOSED_SCHOOL' && p.status === 'AWAITING_LEARNER_EVIDENCE')
      await duo.post(`/exemptions/${p.exemptionId}/actions`, {
        action: 'RECORD_LEARNER_EVIDENCE',
        verified: true,
        reason: 'the learner showed his contract and bank statements of the closed school',
      });
    const now = await duo.get<Exemption>(`/exemptions/${p.exemptionId}`);
    const declaration = now.declarations.find((d) => d.id === p.declarationId);
    const flagged = await loaded.auditor.all<{ rule: string; severity: string }>(
      `/flags?subjectId=${p.declarationId}`,
    );
    const forgery = now.timeline.map((t) => t.details?.forgeryReportIds).find((ids) => ids && ids.length > 0);
    console.log(`  ${p.story}: ${PRESENTED_STORIES[p.story]}`);
    console.log(
      `    KvK ${p.schoolKvk}${declaration?.schoolId ? '' : ' (no registered school)'}: ${p.match}, contract known at DUO: ${declaration?.knownAtDuo ? 'yes' : 'no'}; registered ${p.status}, now ${now.status}`,
    );
    console.log(
      `    flags: ${flagged.map((f) => `${f.rule} ${f.severity}`).join(', ') || 'none'}${forgery ? `; forgery report ${forgery.join(', ')}` : ''}`,
    );
    console.log(`    declaration ${p.declarationId}   ${baseUrl}/console/exemptions/${p.exemptionId}`);
  }
}
