import type { PaymentView } from '@ledger/projections';
import type { Principal } from '../auth/api-keys';
import { html, type SafeHtml } from './html';
import type { TimelineEntry } from './payment-timeline';

/** The console's sections, as its navigation lists them. */
export type ConsoleSection = 'payments' | 'deliveries' | 'operations';

const who = (principal: Principal): string =>
  principal.kind === 'operator'
    ? `operator ${principal.operatorId}`
    : `tenant ${principal.tenantId}${principal.admin ? ' (admin)' : ''}`;

/** The page frame: landmarks, a skip link, the navigation and the sign-out form. */
export function layout(
  title: string,
  body: SafeHtml,
  session?: { principal: Principal; section?: ConsoleSection; tenant?: string },
): SafeHtml {
  const query =
    session?.tenant === undefined ? '' : `?tenant=${encodeURIComponent(session.tenant)}`;
  const link = (section: ConsoleSection, label: string): SafeHtml =>
    html`<li>
      <a
        href="/console/${section}${query}"
        ${session?.section === section ? html` aria-current="page"` : ''}
        >${label}</a
      >
    </li>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Integration Ledger console</title>
        <link rel="stylesheet" href="/console/console.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <strong>Integration Ledger</strong>
          ${
            session === undefined
              ? ''
              : html`<nav aria-label="Console">
                    <ul>
                      ${link('payments', 'Payments')}${link('deliveries', 'Deliveries')}${link('operations', 'Operations')}
                    </ul>
                  </nav>
                  <span>Signed in as ${who(session.principal)}</span>
                  <form method="post" action="/console/sign-out">
                    <button type="submit" class="secondary">Sign out</button>
                  </form>`
          }
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

/** The sign-in form: the key is POSTed, never put in a URL. */
export function signInPage(error?: string): SafeHtml {
  return layout(
    'Sign in',
    html`<div class="signin">
      ${error === undefined ? '' : html`<p class="notice error" role="alert">${error}</p>`}
      <form method="post" action="/console/sign-in">
        <label for="apiKey"
          >API key (a tenant's or an operator's)
          <input id="apiKey" name="apiKey" type="password" autocomplete="off" required
        /></label>
        <button type="submit">Sign in</button>
      </form>
    </div>`,
  );
}

/** A tenant picker for operators (a tenant's key sees its own tenant only). */
export function tenantPicker(
  tenants: readonly string[],
  current: string,
  hidden: Record<string, string | undefined> = {},
): SafeHtml {
  if (tenants.length <= 1) return html``;
  return html`<label for="tenant"
      >Tenant
      <select id="tenant" name="tenant">
        ${tenants.map(
          (id) =>
            html`<option value="${id}" ${id === current ? html` selected` : ''}>${id}</option>`,
        )}
      </select></label
    >${Object.entries(hidden).map(([name, value]) =>
      value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}" />`,
    )}`;
}

export interface PaymentFilters {
  status?: string;
  customerId?: string;
  from?: string;
  to?: string;
  minAmount?: string;
  maxAmount?: string;
  reference?: string;
}

/** The payments list with its filters; `next` is the next page's URL, if any. */
export function paymentsPage(options: {
  principal: Principal;
  tenants: readonly string[];
  tenant: string;
  filters: PaymentFilters;
  statuses: readonly string[];
  items: readonly PaymentView[];
  next?: string;
  notice?: string;
}): SafeHtml {
  const { filters: f, tenant } = options;
  const timeline = (id: string): string =>
    `/console/payments/${encodeURIComponent(id)}?tenant=${encodeURIComponent(tenant)}`;
  const body = html`<form
      class="filters"
      method="get"
      action="/console/payments"
      role="search"
      aria-label="Filter payments"
    >
      ${tenantPicker(options.tenants, tenant)}
      ${options.tenants.length <= 1 ? html`<input type="hidden" name="tenant" value="${tenant}" />` : ''}
      <label for="status"
        >Status
        <select id="status" name="status">
          <option value="">any</option>
          ${options.statuses.map(
            (s) =>
              html`<option value="${s}" ${s === f.status ? html` selected` : ''}>${s}</option>`,
          )}
        </select></label
      >
      <label for="from"
        >Created from (UTC)<input id="from" name="from" type="datetime-local" value="${f.from}"
      /></label>
      <label for="to"
        >Created before (UTC)<input id="to" name="to" type="datetime-local" value="${f.to}"
      /></label>
      <label for="customerId"
        >Customer<input id="customerId" name="customerId" value="${f.customerId}" maxlength="64"
      /></label>
      <label for="minAmount"
        >Amount at least<input
          id="minAmount"
          name="minAmount"
          inputmode="numeric"
          value="${f.minAmount}"
      /></label>
      <label for="maxAmount"
        >Amount at most<input
          id="maxAmount"
          name="maxAmount"
          inputmode="numeric"
          value="${f.maxAmount}"
      /></label>
      <label for="reference"
        >Payment id or order reference<input id="reference" name="reference" value="${f.reference}"
      /></label>
      <button type="submit">Search</button>
    </form>
    ${options.notice === undefined ? '' : html`<p class="notice" role="status">${options.notice}</p>`}
    <table>
      <caption class="skip">
        Payments, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Payment</th>
          <th scope="col">Status</th>
          <th scope="col">Amount</th>
          <th scope="col">Customer</th>
          <th scope="col">Order</th>
          <th scope="col">Attempts</th>
          <th scope="col">Webhooks</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        ${
          options.items.length === 0
            ? html`<tr>
                <td colspan="8">No payments match.</td>
              </tr>`
            : options.items.map(
                (p) =>
                  html`<tr data-payment-id="${p.paymentId}">
                    <td><a href="${timeline(p.paymentId)}">${p.paymentId}</a></td>
                    <td class="status status-${p.status}">
                      ${p.status}${p.contradictions.length > 0 ? ' (contradicted)' : ''}
                    </td>
                    <td class="num">${p.amount} ${p.currency}</td>
                    <td>${p.customerId}</td>
                    <td>${p.orderId}</td>
                    <td class="num">${p.attempts}</td>
                    <td class="num">${p.webhookDeliveries}</td>
                    <td>${p.createdAt}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${options.next === undefined ? '' : html`<p><a href="${options.next}" rel="next">Next page</a></p>`}`;
  return layout('Payments', body, {
    principal: options.principal,
    section: 'payments',
    tenant,
  });
}

/** A payment's timeline: its current state, then every event in order, each raw on demand. */
export function timelinePage(options: {
  principal: Principal;
  tenant: string;
  payment: PaymentView;
  entries: readonly TimelineEntry[];
  next?: string;
}): SafeHtml {
  const { payment: p } = options;
  const body = html`<p><a href="/console/payments?tenant=${options.tenant}">Back to payments</a></p>
    <dl class="facts" aria-label="Current state">
      <dt>Status</dt>
      <dd class="status status-${p.status}">${p.status}</dd>
      <dt>Amount</dt>
      <dd>
        ${p.amount} ${p.currency} (captured ${p.capturedAmount}, refunded ${p.refundedAmount})
      </dd>
      ${
        p.customerId === undefined
          ? ''
          : html`<dt>Customer</dt>
              <dd>${p.customerId}</dd>`
      }
      ${
        p.orderId === undefined
          ? ''
          : html`<dt>Order</dt>
              <dd>${p.orderId}</dd>`
      }
      ${
        p.statusReason === undefined
          ? ''
          : html`<dt>Reason</dt>
              <dd>${p.statusReason}</dd>`
      }
      <dt>Stream version</dt>
      <dd>${p.version}</dd>
    </dl>
    <h2>Timeline</h2>
    <ol class="timeline">
      ${options.entries.map(
        (e) =>
          html`<li class="kind-${e.kind}" data-type="${e.type}">
            <div class="when">
              v${e.version} · <time datetime="${e.at}">${e.at}</time> · ${e.type}
            </div>
            <div><strong>${e.summary}</strong></div>
            ${
              e.facts.length === 0
                ? ''
                : html`<dl class="facts">
                    ${e.facts.map(
                      ([label, value]) =>
                        html`<dt>${label}</dt>
                          <dd>${value}</dd>`,
                    )}
                  </dl>`
            }
            <details>
              <summary>Raw event</summary>
              <pre>${JSON.stringify(e.raw, null, 2)}</pre>
            </details>
          </li>`,
      )}
    </ol>
    ${options.next === undefined ? '' : html`<p><a href="${options.next}" rel="next">Later events</a></p>`}`;
  return layout(`Payment ${p.paymentId}`, body, {
    principal: options.principal,
    section: 'payments',
    tenant: options.tenant,
  });
}

/** Nothing here for this session: the same answer whether it exists elsewhere or not. */
export function notFoundPage(principal: Principal | undefined, what: string): SafeHtml {
  return layout(
    'Not found',
    html`<p class="notice error">${what}</p>
      <p><a href="/console/payments">Payments</a></p>`,
    principal === undefined ? undefined : { principal },
  );
}
