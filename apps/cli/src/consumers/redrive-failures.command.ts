import type { Command } from 'commander';
import type { LedgerEnv } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import { redriveConsumerFailures, type RedriveFailuresResult } from '@ledger/stream-consumer';
import { composeCli } from '../composition/cli.root';
import { trimmedRecovery } from './trimmed-recovery';

interface RedriveFailuresCliOptions {
  queueUrl?: string;
  max: string;
  dryRun?: boolean;
  deleteTrimmed?: boolean;
}

/** Adds `consumers redrive-failures`: the batches the consumer functions gave up on in AWS. */
export function registerRedriveFailuresCommand(consumers: Command, env: () => LedgerEnv): void {
  consumers
    .command('redrive-failures')
    .description(
      "AWS: for each message of the consumers' failure queue (StreamConsumersDeadLetterQueue), " +
        "read its records from the events table's stream again and invoke the consumer function " +
        'that gave up on them; a message is deleted only when every record succeeded. One JSON ' +
        'object per message on stdout (redriven, would-redrive, still-failing, trimmed, ' +
        'malformed), a summary on stderr. Exit code 0 when nothing is left, 2 otherwise.',
    )
    .option('--queue-url <url>', 'the queue (stack output StreamConsumersDeadLetterQueueUrl)')
    .option('--max <n>', 'at most this many messages', '100')
    .option('--dry-run', 'read the records and report; invoke nothing, delete nothing')
    .option(
      '--delete-trimmed',
      'also delete the messages whose records the stream trimmed (once their recovery was run)',
    )
    .action(async (options: RedriveFailuresCliOptions) => {
      if (options.queueUrl === undefined || options.queueUrl === '') {
        throw new UsageError(
          '--queue-url is required (stack output StreamConsumersDeadLetterQueueUrl)',
        );
      }
      const max = Number(options.max);
      if (!Number.isInteger(max) || max < 1) {
        throw new UsageError(`--max must be a positive whole number, got "${options.max}"`);
      }
      const cli = composeCli(env());
      try {
        const result = await redriveConsumerFailures(
          { ...cli.failureRedrive(options.queueUrl), recovery: trimmedRecovery },
          { max, dryRun: options.dryRun === true, deleteTrimmed: options.deleteTrimmed === true },
        );
        for (const outcome of result.outcomes) console.log(JSON.stringify(outcome));
        console.error(summaryOf(result));
        const left =
          result.stillFailing +
          result.malformed +
          (result.trimmed > 0 && options.deleteTrimmed !== true ? result.trimmed : 0);
        if (left > 0 && options.dryRun !== true) process.exitCode = 2;
      } finally {
        cli.close();
      }
    });
}

/** One line for the operator: what happened, and what is left to do. */
export function summaryOf(result: RedriveFailuresResult): string {
  const parts = [
    `${result.redriven} redriven`,
    ...(result.wouldRedrive > 0 ? [`${result.wouldRedrive} would be redriven`] : []),
    `${result.stillFailing} still failing`,
    `${result.trimmed} trimmed`,
    `${result.malformed} malformed`,
  ];
  const hints = [
    ...(result.stillFailing > 0
      ? ['still failing: fix the cause (see failedSequenceNumbers and error), then run again']
      : []),
    ...(result.trimmed > 0
      ? ['trimmed: run each "recovery" command, then delete the message (--delete-trimmed)']
      : []),
    ...(result.malformed > 0
      ? ['malformed: not a Lambda failure record; inspect it and delete it from the queue']
      : []),
  ];
  return [parts.join(', '), ...hints].join('\n');
}
