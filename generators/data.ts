// Data tier bases (PostgreSQL, RabbitMQ): see issue 4. Filled in by the data-tier work.
import type { Component } from './lib/component.ts';

export function dataComponents(): Component[] {
  return [];
}
