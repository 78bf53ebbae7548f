// setuid binaries can gain privileges unless no_new_privs is set.
import { containerLabel, containerPolicy } from '../lib/define.ts';

export default containerPolicy(
  {
    id: 'security/no-privilege-escalation',
    title: 'allowPrivilegeEscalation is false',
    rationale: 'The default (true) lets setuid binaries and file capabilities raise a process\'s privileges; false sets no_new_privs on the container process.',
    hint: 'set securityContext.allowPrivilegeEscalation: false',
    references: ['kube-linter privilege-escalation-container', 'Polaris privilegeEscalationAllowed', 'Kyverno disallow-privilege-escalation'],
  },
  (c) =>
    c.container.securityContext?.allowPrivilegeEscalation !== false && {
      message: `${containerLabel(c)} does not set allowPrivilegeEscalation: false`,
      path: `${c.path}.securityContext.allowPrivilegeEscalation`,
    },
);
