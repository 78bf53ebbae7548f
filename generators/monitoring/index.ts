// Monitoring bases: see issue 5. Filled in by the monitoring work.
import type { Component } from '../lib/component.ts';

export function monitoringComponents(): Component[] {
  return [];
}
