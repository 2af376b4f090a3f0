import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerConfig } from '@ledger/config';
import { LedgerError } from '@ledger/errors';
import { PAYMENT_STATUSES, type PaymentStatus } from '@ledger/ledger';
import type { TenantGateways } from '@ledger/outbound';
import {
  GetPayment,
  GetPaymentHistory,
  ListPayments,
  type HistoryPage,
  type PaymentListView,
  type PaymentView,
} from '@ledger/projections';
import { GetReplayJob, ListReplayJobs, type ReplayJob } from '@ledger/replay';
import { API_KEYS, CONFIG, CONSOLE_SOURCES, PAYMENT_GATEWAY } from '../api-dependencies';
import type { ApiKeyRegistry, Principal } from '../auth/api-keys';
import type { FormBodyRouteConfig } from '../http/body-parsers';
import { PATH_ID_GRAMMARS } from '../path-ids/path-id.pipe';
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from './console-session';
import type { ConsoleSources } from './console-sources';
import { CONSOLE_CSS } from './console.styles';
import { deliveriesPage, operationsPage, type ConsumerHealth } from './console-ops.pages';
import {
  layout,
  notFoundPage,
  paymentsPage,
  signInPage,
  timelinePage,
  type PaymentFilters,
} from './console.pages';
import { html, type SafeHtml } from './html';
import { paymentTimeline } from './payment-timeline';
import { recentDeliveries, DELIVERY_WINDOWS } from './recent-deliveries';

/** The stream consumers `ledger start` and template.yaml run (as `CONSUMER_ROOTS` names them). */
export const CONSOLE_CONSUMERS = ['correlator', 'projector', 'publisher'] as const;

const PAGE_SIZE = 50;
/** Replay jobs the operations page lists. */
const RECENT_JOBS = 20;
const TIMELINE_PAGE = 200;

/** Headers of every console page: nothing cached, nothing framed, no script, no referrer. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The web console: server-rendered pages over the API's own queries and the operator ports the
 * CLI uses. Signed in with an API key (POSTed once, then a signed HttpOnly session cookie);
 * the key resolves to a principal through the API's `ApiKeyRegistry`, and a tenant's session
 * sees that tenant only. Not in the OpenAPI document's operations (it is HTML for people).
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(API_KEYS) private readonly keys: ApiKeyRegistry,
    @Inject(CONFIG) private readonly config: LedgerConfig,
    @Inject(CONSOLE_SOURCES) private readonly sources: ConsoleSources,
    @Inject(PAYMENT_GATEWAY) private readonly gateways: TenantGateways,
  ) {}

  @Get()
  home(@Res() reply: FastifyReply): void {
    void reply.redirect('/console/payments', 303);
  }

  @Get('console.css')
  styles(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'max-age=300')
      .send(CONSOLE_CSS);
  }

  @Get('sign-in')
  signInForm(@Res() reply: FastifyReply): void {
    send(reply, 200, signInPage());
  }

  @Post('sign-in')
  @RouteConfig({ formBody: true } satisfies FormBodyRouteConfig)
  signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const key = formField(request.body, 'apiKey') ?? '';
    const principal = key === '' ? undefined : this.keys.principalFor(key);
    if (principal === undefined) {
      send(reply, 401, signInPage('That key is not a valid API key.'));
      return;
    }
    void reply
      .header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, this.sources.sessions.issue(principal), {
          httpOnly: true,
          sameSite: 'strict',
          secure: isHttps(request),
          path: '/console',
          maxAge: SESSION_TTL_SECONDS,
        }),
      )
      .redirect('/console/payments', 303);
  }

  @Post('sign-out')
  @RouteConfig({ formBody: true } satisfies FormBodyRouteConfig)
  signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply
      .header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, '', {
          httpOnly: true,
          sameSite: 'strict',
          secure: isHttps(request),
          path: '/console',
          maxAge: 0,
        }),
      )
      .redirect('/console/sign-in', 303);
  }

  @Get('payments')
  async payments(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string | undefined>,
  ): Promise<void> {
    await this.page(request, reply, query.tenant, async (principal, tenant) => {
      const filters: PaymentFilters = {
        status: pick(query.status),
        customerId: pick(query.customerId),
        from: pick(query.from),
        to: pick(query.to),
        minAmount: pick(query.minAmount),
        maxAmount: pick(query.maxAmount),
        reference: pick(query.reference),
      };
      const common = {
        principal,
        tenants: this.visibleTenants(principal),
        tenant,
        filters,
        statuses: PAYMENT_STATUSES,
      };
      // A payment id is a key: one read, straight to its timeline.
      if (filters.reference !== undefined && PATH_ID_GRAMMARS.payment.test(filters.reference)) {
        const found = await this.findPayment(tenant, filters.reference);
        return paymentsPage({ ...common, items: found === undefined ? [] : [found] });
      }
      const problems: string[] = [];
      const from = isoOf(filters.from, 'Created from', problems);
      const to = isoOf(filters.to, 'Created before', problems);
      const min = amountOf(filters.minAmount, 'Amount at least', problems);
      const max = amountOf(filters.maxAmount, 'Amount at most', problems);
      if (
        filters.status !== undefined &&
        !(PAYMENT_STATUSES as readonly string[]).includes(filters.status)
      ) {
        problems.push('Status is not a payment status.');
      }
      if (problems.length > 0) {
        return paymentsPage({ ...common, items: [], notice: problems.join(' ') });
      }
      const page = await this.queries.execute<ListPayments, PaymentListView>(
        new ListPayments({
          tenantId: tenant,
          status: filters.status as PaymentStatus | undefined,
          customerId: filters.customerId,
          from,
          to,
          limit: PAGE_SIZE,
          cursor: pick(query.cursor),
        }),
      );
      // Amount and order reference are not in the list's index: they narrow each page's rows.
      const reference = filters.reference;
      const items = page.items.filter(
        (p) =>
          (min === undefined || p.amount >= min) &&
          (max === undefined || p.amount <= max) &&
          (reference === undefined || p.orderId === reference),
      );
      const narrowed = items.length < page.items.length;
      return paymentsPage({
        ...common,
        items,
        next:
          page.nextCursor === undefined
            ? undefined
            : `/console/payments?${new URLSearchParams(
                defined({ ...filters, tenant, cursor: page.nextCursor }),
              ).toString()}`,
        notice: narrowed
          ? `Amount and order reference narrow each page of ${PAGE_SIZE}: ${page.items.length - items.length} row(s) of this page hidden.`
          : undefined,
      });
    });
  }

  @Get('payments/:paymentId')
  async timeline(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('paymentId') paymentId: string,
    @Query() query: Record<string, string | undefined>,
  ): Promise<void> {
    await this.page(request, reply, query.tenant, async (principal, tenant) => {
      const payment = PATH_ID_GRAMMARS.payment.test(paymentId)
        ? await this.findPayment(tenant, paymentId)
        : undefined;
      if (payment === undefined) return notFound(principal, 'No such payment.');
      const history = await this.queries.execute<GetPaymentHistory, HistoryPage>(
        new GetPaymentHistory(tenant, paymentId, {
          cursor: pick(query.cursor),
          limit: TIMELINE_PAGE,
        }),
      );
      const streams = [
        ...new Set(
          history.events
            .filter((e) => e.type === 'WebhookLinked')
            .map((e) => String(e.data.deliveryStreamId)),
        ),
      ];
      const arrivals = new Map(
        (
          await Promise.all(
            streams.map(async (id) => [id, await this.sources.deliveryStats.get(id)] as const),
          )
        ).flatMap(([id, stats]) => (stats === undefined ? [] : [[id, stats] as const])),
      );
      return timelinePage({
        principal,
        tenant,
        payment,
        entries: paymentTimeline(history.events, arrivals),
        next:
          history.nextCursor === undefined
            ? undefined
            : `/console/payments/${paymentId}?${new URLSearchParams({ tenant, cursor: history.nextCursor }).toString()}`,
      });
    });
  }

  @Get('deliveries')
  async deliveries(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string | undefined>,
  ): Promise<void> {
    await this.page(request, reply, query.tenant, async (principal, tenant) => {
      const window = DELIVERY_WINDOWS.find((w) => w.name === query.window) ?? DELIVERY_WINDOWS[1];
      const now = new Date();
      const recent = await recentDeliveries(this.sources.eventLog, {
        tenantId: tenant,
        from: new Date(now.getTime() - window.seconds * 1000).toISOString(),
        to: now.toISOString(),
      });
      const withArrivals = await Promise.all(
        recent.deliveries.map(async (d) => ({
          ...d,
          arrivals: await this.sources.deliveryStats.get(d.streamId),
        })),
      );
      return deliveriesPage({
        principal,
        tenants: this.visibleTenants(principal),
        tenant,
        window: window.name,
        recent: { ...recent, deliveries: withArrivals },
      });
    });
  }

  @Get('operations')
  async operations(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: Record<string, string | undefined>,
  ): Promise<void> {
    await this.page(request, reply, query.tenant, async (principal, tenant) => {
      return operationsPage(await this.operationsView(principal, tenant, pick(query.replayId)));
    });
  }

  @Post('operations/dead-letters/redrive')
  @RouteConfig({ formBody: true } satisfies FormBodyRouteConfig)
  async redrive(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const tenantField = formField(request.body, 'tenant');
    await this.page(request, reply, tenantField, async (principal, tenant) => {
      if (principal.kind !== 'operator') {
        return {
          status: 403,
          page: layout(
            'Not allowed',
            html`<p class="notice error">
              Dead letters are store-wide: an operator's key redrives them.
            </p>`,
            { principal },
          ),
        };
      }
      const result = await this.sources.redriveDeadLetters(100);
      return operationsPage({
        ...(await this.operationsView(principal, tenant, undefined)),
        notice: `Redriven: ${result.redriven}; still failing: ${result.stillFailing.length}.`,
      });
    });
  }

  private async operationsView(principal: Principal, tenant: string, replayId: string | undefined) {
    const operator = principal.kind === 'operator';
    const consumers: ConsumerHealth[] = await Promise.all(
      CONSOLE_CONSUMERS.map(async (name) => {
        const [checkpoints, parked] = await Promise.all([
          this.sources.checkpoints.load(name),
          this.sources.parkingLot.list(name, 100),
        ]);
        return {
          name,
          shards: [...checkpoints.values()],
          // A tenant sees its own parked records only; an operator every tenant's.
          parked: operator
            ? parked
            : parked.filter((record) => record.event.streamId.startsWith(`${tenant}#`)),
        };
      }),
    );
    let replay: ReplayJob | undefined;
    let replayNotice: string | undefined;
    if (replayId !== undefined) {
      try {
        replay = await this.queries.execute<GetReplayJob, ReplayJob>(
          new GetReplayJob(principal, replayId),
        );
      } catch (error) {
        if (!(error instanceof LedgerError) || error.status >= 500) throw error;
        replayNotice = `No replay ${replayId} visible to this session.`;
      }
    }
    const breakers = [...this.gateways.circuitStates()].filter(([id]) => operator || id === tenant);
    return {
      principal,
      tenants: this.visibleTenants(principal),
      tenant,
      consumers,
      breakers,
      deadLetters: operator ? await this.sources.deadLetters().list(100) : undefined,
      // A tenant's own jobs; an operator's every job, whichever tenant the picker shows.
      jobs: await this.queries.execute<ListReplayJobs, ReplayJob[]>(
        new ListReplayJobs(principal, RECENT_JOBS),
      ),
      replay,
      replayId,
      replayNotice,
      notice: undefined as string | undefined,
    };
  }

  /** A payment of `tenant`, or undefined (another tenant's is not found either). */
  private async findPayment(tenant: string, paymentId: string): Promise<PaymentView | undefined> {
    try {
      return await this.queries.execute<GetPayment, PaymentView>(new GetPayment(tenant, paymentId));
    } catch (error) {
      if (error instanceof LedgerError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The tenants a principal may look at: a tenant its own, an operator every configured one. */
  private visibleTenants(principal: Principal): string[] {
    return principal.kind === 'tenant'
      ? [principal.tenantId]
      : this.config.tenants.map((tenant) => tenant.id);
  }

  /**
   * Runs a signed-in page: no valid session goes to the sign-in form; a tenant this session may
   * not see is answered 404, as a payment that does not exist is.
   */
  private async page(
    request: FastifyRequest,
    reply: FastifyReply,
    requestedTenant: string | undefined,
    render: (
      principal: Principal,
      tenant: string,
    ) => Promise<SafeHtml | { status: number; page: SafeHtml }>,
  ): Promise<void> {
    const token = parseCookies(request.headers.cookie ?? '')[SESSION_COOKIE];
    const principal = this.sources.sessions.verify(token);
    if (principal === undefined) {
      void reply.redirect('/console/sign-in', 303);
      return;
    }
    const visible = this.visibleTenants(principal);
    const tenant = pick(requestedTenant) ?? visible[0];
    if (tenant === undefined || !visible.includes(tenant)) {
      send(reply, 404, notFoundPage(principal, 'Nothing here for this session.'));
      return;
    }
    try {
      const result = await render(principal, tenant);
      if (result instanceof Object && 'status' in result) send(reply, result.status, result.page);
      else send(reply, 200, result);
    } catch (error) {
      // What a person can fix (a stale cursor, a bad filter) is a page, not a problem document.
      if (!(error instanceof LedgerError) || error.status >= 500) throw error;
      send(
        reply,
        error.status,
        layout('Cannot show this', html`<p class="notice error">${error.message}</p>`, {
          principal,
          tenant,
        }),
      );
    }
  }
}

function notFound(principal: Principal, what: string): { status: number; page: SafeHtml } {
  return { status: 404, page: notFoundPage(principal, what) };
}

function send(reply: FastifyReply, status: number, page: SafeHtml): void {
  void reply.status(status).headers(PAGE_HEADERS).send(page.markup);
}

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

/** A field of a posted form; undefined when absent or when the body was not a form (JSON). */
function formField(body: unknown, name: string): string | undefined {
  return body instanceof URLSearchParams ? (body.get(name) ?? undefined) : undefined;
}

/** A query value, or undefined when absent or blank. */
function pick(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function defined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** A form's date-time (a `datetime-local`, read as UTC, or a full ISO-8601) as ISO-8601. */
function isoOf(value: string | undefined, label: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const withZone = /(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(withZone);
  if (Number.isNaN(time)) {
    problems.push(`${label} is not a date and time.`);
    return undefined;
  }
  return new Date(time).toISOString();
}

function amountOf(
  value: string | undefined,
  label: string,
  problems: string[],
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    problems.push(`${label} is a whole number of minor units.`);
    return undefined;
  }
  return Number(value);
}
