import type { DeadLetter } from '@ledger/bus';
import type { ReplayJob } from '@ledger/replay';
import type { ParkedRecord, ShardCheckpoint } from '@ledger/stream-consumer';
import type { DeliveryArrivals } from '@ledger/webhooks';
import type { Principal } from '../auth/api-keys';
import { layout, tenantPicker } from './console.pages';
import { html, type SafeHtml } from './html';
import { DELIVERY_WINDOWS, MAX_EVENTS_READ, type RecentDeliveries } from './recent-deliveries';

const counts = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ');

/** Recent deliveries per provider, their repeats, rejections and suppressed counts. */
export function deliveriesPage(options: {
  principal: Principal;
  tenants: readonly string[];
  tenant: string;
  window: string;
  recent: Omit<RecentDeliveries, 'deliveries'> & {
    deliveries: Array<RecentDeliveries['deliveries'][number] & { arrivals?: DeliveryArrivals }>;
  };
}): SafeHtml {
  const { recent } = options;
  const body = html`<form
      class="filters"
      method="get"
      action="/console/deliveries"
      aria-label="Deliveries window"
    >
      ${tenantPicker(options.tenants, options.tenant)}
      ${options.tenants.length <= 1 ? html`<input type="hidden" name="tenant" value="${options.tenant}" />` : ''}
      <label for="window"
        >Window
        <select id="window" name="window">
          ${DELIVERY_WINDOWS.map(
            (w) =>
              html`<option value="${w.name}" ${w.name === options.window ? html` selected` : ''}>
                ${w.label}
              </option>`,
          )}
        </select></label
      >
      <button type="submit">Show</button>
    </form>
    ${recent.truncated ? html`<p class="notice" role="status">Only the window's first ${MAX_EVENTS_READ} events were read: choose a shorter window for the latest.</p>` : ''}
    <h2>Deliveries per provider</h2>
    ${
      Object.keys(recent.perProvider).length === 0
        ? html`<p>No deliveries in this window.</p>`
        : html`<ul>
            ${Object.entries(recent.perProvider).map(([p, n]) => html`<li>${p}: ${n}</li>`)}
          </ul>`
    }
    <h2>Recent deliveries</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Provider</th>
          <th scope="col">Delivery id</th>
          <th scope="col">Bytes</th>
          <th scope="col">Arrivals</th>
          <th scope="col">Other bodies</th>
        </tr>
      </thead>
      <tbody>
        ${recent.deliveries.map(
          (d) =>
            html`<tr>
              <td>${d.receivedAt}</td>
              <td>${d.provider}</td>
              <td>${d.deliveryId}</td>
              <td class="num">${d.bodyBytes}</td>
              <td class="num">
                ${d.arrivals?.arrivals ?? 1}${(d.arrivals?.arrivals ?? 1) > 1 ? ' (duplicated)' : ''}
              </td>
              <td class="num">${d.arrivals?.conflictingBodies ?? 0}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Rejections</h2>
    ${
      recent.rejections.length === 0
        ? html`<p>No rejection recorded in this window.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Provider</th>
                <th scope="col">Reason</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              ${recent.rejections.map(
                (r) =>
                  html`<tr>
                    <td>${r.receivedAt}</td>
                    <td>${r.provider}</td>
                    <td>${r.reason}</td>
                    <td>${r.detail}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Suppressed rejections</h2>
    ${
      recent.suppressed.length === 0
        ? html`<p>None: every rejection in this window was recorded one by one.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Count</th>
                <th scope="col">By reason</th>
                <th scope="col">By provider</th>
              </tr>
            </thead>
            <tbody>
              ${recent.suppressed.map(
                (s) =>
                  html`<tr>
                    <td>${s.from}</td>
                    <td>${s.to}</td>
                    <td class="num">${s.count}</td>
                    <td>${counts(s.byReason)}</td>
                    <td>${counts(s.byProvider)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return layout('Deliveries', body, {
    principal: options.principal,
    section: 'deliveries',
    tenant: options.tenant,
  });
}

/** How much of a job is done, as text: "30 of 40 events (75%)", or the count while counting. */
export function progressText(
  job: Pick<ReplayJob, 'processed' | 'total'> & { kind?: ReplayJob['kind'] },
): string {
  // A bulk reconcile counts payments; the replays count events.
  const unit = job.kind === 'reconcile' ? 'payments' : 'events';
  if (job.total === undefined) return `${job.processed} ${unit} (total not counted yet)`;
  const share = job.total === 0 ? 100 : Math.floor((job.processed / job.total) * 100);
  return `${job.processed} of ${job.total} ${unit} (${share}%)`;
}

/** What a job covers, in words: its tenant or the whole store, narrowed by payment and time. */
function scopeText(job: ReplayJob): string {
  const { scope } = job;
  return [
    scope.tenantId === undefined ? 'whole store' : `tenant ${scope.tenantId}`,
    scope.paymentId === undefined ? '' : `payment ${scope.paymentId}`,
    scope.from === undefined ? '' : `from ${scope.from}`,
    scope.to === undefined ? '' : `before ${scope.to}`,
    scope.detailTypes === undefined ? '' : `types ${scope.detailTypes.join(', ')}`,
  ]
    .filter((part) => part !== '')
    .join('; ');
}

/** What kind of job, with its mode or the rule it is aimed at. */
function kindText(job: ReplayJob): string {
  const detail =
    job.kind === 'rebuild'
      ? job.mode
      : job.kind === 'reconcile'
        ? job.reconcile?.statuses.join(', ')
        : job.target;
  return `${job.kind}${detail === undefined ? '' : ` (${detail})`}${job.dryRun ? ', dry run' : ''}`;
}

/**
 * The recent jobs, each with its progress as a `<progress>` element labelled by the same figures
 * in text (an indeterminate one while the total is being counted).
 */
function replayJobsTable(jobs: readonly ReplayJob[], tenant: string): SafeHtml {
  if (jobs.length === 0) return html`<p>No replay or rebuild job recorded yet.</p>`;
  return html`<table aria-label="Recent replay jobs">
    <thead>
      <tr>
        <th scope="col">Replay id</th>
        <th scope="col">Kind</th>
        <th scope="col">Scope</th>
        <th scope="col">Status</th>
        <th scope="col">Progress</th>
        <th scope="col">Started</th>
        <th scope="col">Updated</th>
        <th scope="col">Error</th>
      </tr>
    </thead>
    <tbody>
      ${jobs.map((job) => {
        const label = `progress-${job.replayId}`;
        const text = progressText(job);
        return html`<tr>
          <td>
            <a
              href="/console/operations?${new URLSearchParams({ tenant, replayId: job.replayId }).toString()}"
              >${job.replayId}</a
            >
          </td>
          <td>${kindText(job)}</td>
          <td>${scopeText(job)}</td>
          <td class="status">${job.status}</td>
          <td>
            ${
              job.total === undefined
                ? html`<progress aria-labelledby="${label}"></progress>`
                : html`<progress
                    max="${Math.max(job.total, 1)}"
                    value="${job.total === 0 ? 1 : Math.min(job.processed, job.total)}"
                    aria-labelledby="${label}"
                  ></progress>`
            }
            <span id="${label}">${text}</span>
          </td>
          <td>${job.startedAt}</td>
          <td>${job.updatedAt}</td>
          <td>${job.error}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

export interface ConsumerHealth {
  name: string;
  shards: ShardCheckpoint[];
  parked: ParkedRecord[];
}

/** Consumers, dead letters, replay jobs and breakers. */
export function operationsPage(options: {
  principal: Principal;
  tenants: readonly string[];
  tenant: string;
  consumers: ConsumerHealth[];
  breakers: Array<[string, string]>;
  deadLetters?: DeadLetter[];
  /** The latest replay jobs the principal may see, newest first. */
  jobs: ReplayJob[];
  replay?: ReplayJob;
  replayId?: string;
  replayNotice?: string;
  notice?: string;
}): SafeHtml {
  const { tenant } = options;
  const lastProgress = (shards: ShardCheckpoint[]): string =>
    shards.length === 0
      ? 'no checkpoint yet'
      : (shards
          .map((s) => s.updatedAt)
          .sort()
          .at(-1) ?? '');
  const job = options.replay;
  const body = html`${options.notice === undefined ? '' : html`<p class="notice" role="status">${options.notice}</p>`}
    <h2>Gateway breakers</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Tenant's gateway</th>
          <th scope="col">Breaker</th>
        </tr>
      </thead>
      <tbody>
        ${options.breakers.map(
          ([id, state]) =>
            html`<tr>
              <td>${id}</td>
              <td class="status">${state}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Stream consumers</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">Consumer</th>
          <th scope="col">Shards (open / finished)</th>
          <th scope="col">Last checkpoint</th>
          <th scope="col">Parked records</th>
        </tr>
      </thead>
      <tbody>
        ${options.consumers.map(
          (c) =>
            html`<tr>
              <td>${c.name}</td>
              <td class="num">
                ${c.shards.filter((s) => !s.finished).length} /
                ${c.shards.filter((s) => s.finished).length}
              </td>
              <td>${lastProgress(c.shards)}</td>
              <td class="num">${c.parked.length}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${options.consumers.flatMap((c) =>
      c.parked.length === 0
        ? []
        : [
            html`<h3>Parked by ${c.name}</h3>
              <ul>
                ${c.parked.map(
                  (p) =>
                    html`<li>
                      ${p.parkedAt}: ${p.event.type} ${p.event.streamId} v${p.event.version},
                      ${p.attempts} attempts: ${p.error}
                    </li>`,
                )}
              </ul>`,
          ],
    )}
    <h2>Dead letters</h2>
    ${
      options.deadLetters === undefined
        ? html`<p>Dead letters are store-wide: an operator's session shows and redrives them.</p>`
        : html`<p>${options.deadLetters.length} dead letter(s).</p>
            ${
              options.deadLetters.length === 0
                ? ''
                : html`<table>
                    <thead>
                      <tr>
                        <th scope="col">Dead-lettered</th>
                        <th scope="col">Event</th>
                        <th scope="col">Stream</th>
                        <th scope="col">Attempts</th>
                        <th scope="col">Reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${options.deadLetters.map(
                        (l) =>
                          html`<tr>
                            <td>${l.deadLetteredAt}</td>
                            <td>${l.detailType}</td>
                            <td>${l.streamId} v${l.version}</td>
                            <td class="num">${l.attempts}</td>
                            <td>${l.reason}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
            }
            <form method="post" action="/console/operations/dead-letters/redrive">
              <input type="hidden" name="tenant" value="${tenant}" /><button type="submit">
                Redrive dead letters
              </button>
            </form>`
    }
    <h2>Replay and rebuild jobs</h2>
    ${replayJobsTable(options.jobs, tenant)}
    <form class="filters" method="get" action="/console/operations" aria-label="Find a replay job">
      <input type="hidden" name="tenant" value="${tenant}" />
      <label for="replayId"
        >Replay id<input id="replayId" name="replayId" value="${options.replayId}" maxlength="26"
      /></label>
      <button type="submit">Show progress</button>
    </form>
    ${options.replayNotice === undefined ? '' : html`<p class="notice error">${options.replayNotice}</p>`}
    ${
      job === undefined
        ? ''
        : html`<dl class="facts" aria-label="Replay job">
            <dt>Kind</dt>
            <dd>${job.kind}${job.dryRun ? ' (dry run)' : ''}</dd>
            <dt>Status</dt>
            <dd class="status">${job.status}</dd>
            <dt>Progress</dt>
            <dd>${progressText(job)}</dd>
            <dt>Started</dt>
            <dd>${job.startedAt}</dd>
            <dt>Updated</dt>
            <dd>${job.updatedAt}</dd>
            ${
              job.error === undefined
                ? ''
                : html`<dt>Error</dt>
                    <dd>${job.error}</dd>`
            }
          </dl>`
    }`;
  return layout('Operations', body, {
    principal: options.principal,
    section: 'operations',
    tenant,
  });
}
