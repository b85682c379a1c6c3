import type { Request } from 'express';
import type { AppConfig } from '../config/app-config';
import { barChart } from './charts';
import type { ConsoleSession } from './console-session';
import { ConsoleView } from './console-view';

/** The templates escape what schools write, wherever it appears. */
describe(ConsoleView.name, () => {
  const view = new ConsoleView(
    { env: 'test' } as AppConfig,
    { csrfToken: () => 'token', takeFlash: () => undefined } as unknown as ConsoleSession,
  );
  const hostile = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', "' onmouseover='alert(3)"];
  const request = (role: 'AUDITOR' | 'SCHOOL') =>
    ({
      path: '/console/flags',
      query: {},
      session: { userId: 'u' },
      actor: { id: 'u', role, schoolId: role === 'SCHOOL' ? 's' : null },
    }) as unknown as Request;

  const flag = (text: string) => ({
    id: '00000000-0000-0000-0000-000000000001',
    rule: 'GROUP_SIZE_EXCEEDED',
    severity: 'MEDIUM',
    status: 'OPEN',
    schoolId: 's',
    subjectType: 'LESSON',
    subjectId: '00000000-0000-0000-0000-000000000002',
    explanation: text,
    evidence: {},
    raisedAt: new Date('2024-01-01T10:00:00Z'),
    assigneeId: null,
    history: [],
    hearing: {
      question: text,
      requestedAt: new Date(),
      dueOn: '2099-01-01',
      statement: text,
      respondedAt: new Date(),
    },
  });

  it.each(hostile)('escapes %s in the Werkvoorraad and on a flag page', (text) => {
    const list = view.page(request('AUDITOR'), 'flags', 'Werkvoorraad', {
      page: { items: [flag(text)], page: 1, pageSize: 50, total: 1 },
      query: {},
      schoolNames: new Map([['s', text]]),
      assignees: new Map(),
      ruleCodes: [],
      schools: [{ id: 's', name: text }],
      severities: [],
      statuses: [],
      csvUrl: '/console/flags/download.csv',
    });
    const detail = view.page(request('SCHOOL'), 'flag', 'Signalering', {
      flag: flag(text),
      // The school's view (zienswijze) is the school's own text, on the flag and on its timeline.
      timeline: [{ at: new Date(), action: 'HEARING_ANSWERED', by: null, details: { statement: text } }],
      schoolName: text,
      people: new Map(),
      today: '2024-01-01',
      evidence: { figures: [{ label: text, value: text }], tables: [], redactedRecords: 0 },
      confirmNeedsHearing: false,
      can: {
        assign: false,
        askHearing: false,
        decide: false,
        confirm: true,
        approve: false,
        answerHearing: false,
      },
    });
    for (const html of [list, detail]) {
      expect(html).not.toContain(text);
      expect(html).not.toMatch(/<script>alert|<img src=x/);
    }
    expect(detail).toContain(text.includes('<') ? '&lt;' : '&#39;');
  });

  it('escapes school names inside a chart and its table', () => {
    const chart = barChart({
      id: 'c',
      caption: 'Aandeel',
      categoryLabel: 'School',
      categories: hostile,
      series: [{ name: 'Aandeel', values: [0.5, 0.9, 1] }],
    });
    const html = view.fragment('partials/chart', { chart });
    expect(html).not.toMatch(/<script>alert|<img src=x|onmouseover='/);
    expect(html).not.toMatch(/ style="/);
    expect(html).toContain('<figcaption');
  });
});
