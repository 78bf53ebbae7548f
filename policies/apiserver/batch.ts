// Rules of kubernetes/kubernetes pkg/apis/batch/validation/validation.go (Kubernetes 1.31): Job, CronJob.
import { ValidatePodTemplateSpec } from './core.ts';
import { forbidden, has, invalid, isObj, notSupported, required, str, ValidateLabelSelector, ValidateNonnegativeField, type Errs } from './lib/field.ts';
import { isValidTimeZone, parseStandardCron } from './lib/cron.ts';
import { IsValidLabelValue } from './lib/validation.ts';

/** validateJobSpec, for a Job's spec at `path` (spec, or spec.jobTemplate.spec). */
export function validateJobSpec(spec: unknown, path: string): Errs {
  const s = isObj(spec) ? spec : {};
  const out: Errs = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) out.push(...ValidateNonnegativeField(s[f], `${path}.${f}`));
  if (typeof s.activeDeadlineSeconds === 'number' && s.activeDeadlineSeconds <= 0)
    out.push(invalid(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, 'must be greater than 0', 'validateJobSpec'));
  if (has(s.completionMode) && !['NonIndexed', 'Indexed'].includes(s.completionMode)) out.push(notSupported(`${path}.completionMode`, s.completionMode, ['NonIndexed', 'Indexed'], 'validateJobSpec'));
  if (s.completionMode === 'Indexed' && !has(s.completions)) out.push(required(`${path}.completions`, "when completion mode is Indexed", 'validateJobSpec'));
  if (has(s.backoffLimitPerIndex) && s.completionMode !== 'Indexed') out.push(forbidden(`${path}.backoffLimitPerIndex`, 'requires indexed completion mode', 'validateJobSpec'));
  out.push(...ValidateLabelSelector(s.selector, `${path}.selector`));
  return out.concat(validateJobTemplate(s, path));
}

const jobNameKeys = ['job-name', 'batch.kubernetes.io/job-name'];
const controllerUidKeys = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/**
 * ValidateGeneratedSelector: without manualSelector, the API server adds controller-uid to the
 * selector the manifest gives and then requires it to match {controller-uid: <uid>, job-name: <name>}:
 * any other matchLabels entry is refused ("`selector` not auto-generated"). The uid is unknown
 * offline, so controller-uid entries are accepted; matchExpressions are not judged.
 */
export function ValidateGeneratedSelector(job: Record<string, any>): Errs {
  const s = job.spec ?? {};
  if (s.manualSelector === true || !isObj(s.selector?.matchLabels)) return [];
  const name = str(job.metadata?.name);
  const stray = Object.entries(s.selector.matchLabels as Record<string, unknown>).some(
    ([k, v]) => !controllerUidKeys.includes(k) && !(jobNameKeys.includes(k) && v === name),
  );
  return stray ? [invalid('spec.selector', s.selector, '`selector` not auto-generated', 'ValidateGeneratedSelector', 'remove spec.selector (the API server generates it), or set manualSelector: true')] : [];
}

function validateJobTemplate(s: Record<string, any>, path: string): Errs {
  const out: Errs = [];
  const t = s.template;
  if (!isObj(t)) out.push(required(`${path}.template`, '', 'validateJobSpec'));
  else {
    out.push(...ValidatePodTemplateSpec(t, `${path}.template`));
    const rp = t.spec?.restartPolicy;
    // Unset, pod defaulting makes it Always, which a Job refuses.
    if (!['OnFailure', 'Never'].includes(rp ?? 'Always'))
      out.push(notSupported(`${path}.template.spec.restartPolicy`, rp ?? 'Always', ['OnFailure', 'Never'], 'validateJobSpec', 'a Job pod restarts OnFailure or Never: set template.spec.restartPolicy (it defaults to Always)'));
    if (has(s.podFailurePolicy) && rp !== 'Never') out.push(invalid(`${path}.template.spec.restartPolicy`, rp, 'only "Never" is supported when podFailurePolicy is specified', 'validateJobSpec'));
  }
  return out;
}

/** ValidateJob: the generated job-name label must be a label value, so a name is at most 63 characters. */
export function ValidateJob(o: Record<string, any>): Errs {
  const out = [...ValidateGeneratedSelector(o), ...validateJobSpec(o.spec, 'spec')];
  const name = str(o.metadata?.name);
  if (name && IsValidLabelValue(name).length && name.length > 63)
    out.push(invalid('metadata.name', name, 'must be no more than 63 characters', 'ValidateJob', 'a Job name becomes the value of its pods\' job-name label: keep it within 63 characters'));
  return out;
}

/** validateScheduleFormat (robfig/cron/v3 ParseStandard; TZ in the schedule is refused on create). */
export function validateScheduleFormat(schedule: string, timeZone: unknown, path: string): Errs {
  const msgs: string[] = [];
  const err = parseStandardCron(schedule);
  if (err) msgs.push(err);
  if (schedule.includes('TZ')) msgs.push('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  return msgs.length
    ? [
        {
          ...invalid(path, schedule, msgs.join('; '), 'validateScheduleFormat', 'five fields: minute hour day-of-month month day-of-week (e.g. "0 2 * * *" for 02:00 every day), or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>'),
          summary: `schedule ${JSON.stringify(schedule)} is not a cron expression`,
        },
      ]
    : [];
}

/** ValidateCronJobCreate: name at most 52 characters, schedule, time zone, policy, job template. */
export function ValidateCronJob(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  const name = str(o.metadata?.name);
  // The controller appends an 11-character suffix to make Job names (ValidateCronJobCreate).
  if (name.length > 52) out.push(invalid('metadata.name', name, 'must be no more than 52 characters', 'ValidateCronJobCreate', 'shorten the CronJob name to 52 characters'));
  if (!str(spec.schedule)) out.push(required('spec.schedule', '', 'ValidateCronJobSpec'));
  else out.push(...validateScheduleFormat(spec.schedule, spec.timeZone, 'spec.schedule'));
  if (has(spec.timeZone)) {
    const tz = str(spec.timeZone);
    if (tz === '' || tz === 'Local' || tz.includes(' ') || !isValidTimeZone(tz))
      out.push(invalid('spec.timeZone', spec.timeZone, 'unknown time zone ' + tz, 'validateTimeZone', 'use an IANA time zone name such as Europe/Paris or Etc/UTC'));
  }
  if (has(spec.concurrencyPolicy) && !['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy))
    out.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], 'validateConcurrencyPolicy'));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) out.push(...ValidateNonnegativeField(spec[f], `spec.${f}`));
  out.push(...validateJobSpec(spec.jobTemplate?.spec, 'spec.jobTemplate.spec'));
  return out;
}
