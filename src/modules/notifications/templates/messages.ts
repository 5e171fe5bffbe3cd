/**
 * Message templates, English and Simplified Chinese (i18next resources). Plain
 * text: the same words go into an e-mail and an IM robot message.
 */
export const MESSAGES = {
  en: {
    translation: {
      clock: { RESPONSE: 'response', ON_SITE: 'on-site arrival', RESTORE: 'restoration' },
      level: { ENGINEER: 'engineer', TEAM_LEAD: 'team lead', SERVICE_MANAGER: 'service manager', DIRECTOR: 'director' },
      trigger: {
        CLOCK_BREACH: 'a missed deadline',
        PROGRESS_OVERDUE: 'a missed emergency progress update',
        UNRESOLVED_PERIOD: 'the incident being unresolved for {{period}}',
      },
      subject: {
        BREACH_WARNING: '[{{severity}}] {{ref}}: {{clock}} deadline in {{remaining}}',
        BREACH: '[{{severity}}] {{ref}}: {{clock}} deadline missed',
        ESCALATION: '[{{severity}}] {{ref}}: escalated to {{level}}',
        EMERGENCY_UPDATE: '[{{severity}}] {{ref}}: emergency progress update',
        EMERGENCY_UPDATE_MISSED: '[{{severity}}] {{ref}}: emergency progress update overdue',
        COMPLAINT_REPLY_BREACH: 'Complaint {{ref}}: first reply overdue',
        LOANER_REQUIRED: 'RMA {{ref}}: a loaner is owed',
        EOL_NOTICE: 'End of life: {{summary}}',
      },
      body: {
        head: 'Incident {{ref}} ({{severity}}) at {{site}}: {{summary}}',
        BREACH_WARNING: 'The {{clock}} deadline is {{due}}; {{remaining}} left.',
        BREACH: 'The {{clock}} deadline was {{due}} and has been missed.',
        ESCALATION: 'The incident is now with the {{level}} level (was {{from}}), because of {{why}}. You are told as a {{level}} contact.',
        EMERGENCY_UPDATE: 'Progress at {{at}}: {{progress}}',
        EMERGENCY_UPDATE_MISSED: 'The emergency progress update due {{due}} has not been posted.',
        COMPLAINT_REPLY_BREACH:
          'The complaint "{{summary}}" had to get a first reply by {{due}}; it has not. It is now with the {{level}} level.',
        LOANER_REQUIRED: 'The repair of {{summary}} at {{site}} takes longer than the contract allows: a loaner unit is owed by {{due}}.',
        EOL_NOTICE: '{{progress}}',
        tail: 'Times are in {{zone}}.',
      },
    },
  },
  'zh-CN': {
    translation: {
      clock: { RESPONSE: '响应', ON_SITE: '到场', RESTORE: '恢复' },
      level: { ENGINEER: '工程师', TEAM_LEAD: '组长', SERVICE_MANAGER: '服务经理', DIRECTOR: '总监' },
      trigger: {
        CLOCK_BREACH: '未在规定时间内完成',
        PROGRESS_OVERDUE: '紧急事件进展未按时通报',
        UNRESOLVED_PERIOD: '故障已{{period}}未解决',
      },
      subject: {
        BREACH_WARNING: '【{{severity}}】{{ref}}：{{clock}}时限还剩{{remaining}}',
        BREACH: '【{{severity}}】{{ref}}：{{clock}}超时',
        ESCALATION: '【{{severity}}】{{ref}}：已升级至{{level}}',
        EMERGENCY_UPDATE: '【{{severity}}】{{ref}}：紧急事件进展通报',
        EMERGENCY_UPDATE_MISSED: '【{{severity}}】{{ref}}：紧急事件进展通报逾期',
        COMPLAINT_REPLY_BREACH: '投诉 {{ref}}：首次答复超时',
        LOANER_REQUIRED: 'RMA {{ref}}：应提供备用机',
        EOL_NOTICE: '停产通知：{{summary}}',
      },
      body: {
        head: '故障单 {{ref}}（{{severity}}），地点 {{site}}：{{summary}}',
        BREACH_WARNING: '{{clock}}时限为 {{due}}，还剩{{remaining}}。',
        BREACH: '{{clock}}时限 {{due}} 已超时。',
        ESCALATION: '因{{why}}，本故障已由{{from}}升级至{{level}}。您作为{{level}}联系人收到此通知。',
        EMERGENCY_UPDATE: '{{at}} 进展：{{progress}}',
        EMERGENCY_UPDATE_MISSED: '应于 {{due}} 发布的紧急事件进展通报尚未发布。',
        COMPLAINT_REPLY_BREACH: '投诉“{{summary}}”应于 {{due}} 前首次答复，至今未答复，现已升级至{{level}}。',
        LOANER_REQUIRED: '{{site}} 的 {{summary}} 维修时间超出合同约定，须于 {{due}} 前提供备用机。',
        EOL_NOTICE: '{{progress}}',
        tail: '时间均为 {{zone}} 时区。',
      },
    },
  },
} as const;

export const LANGUAGES = Object.keys(MESSAGES) as Array<keyof typeof MESSAGES>;
