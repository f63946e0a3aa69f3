// Counts the database commands a piece of work sends (the driver's command monitoring), so a test can
// pin how many operations a hot path costs and a later change cannot quietly add a query or a scan.
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';

export interface CommandRecord {
  name: string;
  collection: string;
}

const IGNORED = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'buildInfo', 'getMore']);

export async function countCommands<T>(work: () => Promise<T>): Promise<{ value: T; commands: CommandRecord[] }> {
  const client = mongoose.connection.getClient();
  const commands: CommandRecord[] = [];
  const listener = (event: CommandStartedEvent) => {
    if (IGNORED.has(event.commandName)) return;
    const target = event.command[event.commandName];
    commands.push({ name: event.commandName, collection: typeof target === 'string' ? target : '' });
  };
  client.on('commandStarted', listener);
  try {
    const value = await work();
    return { value, commands };
  } finally {
    client.off('commandStarted', listener);
  }
}

/** "find attempts, update attempt_responses" style summary, for readable failures. */
export function summary(commands: CommandRecord[]): string[] {
  return commands.map((c) => `${c.name} ${c.collection}`);
}
