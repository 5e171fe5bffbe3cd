import { graphql } from './graphql';

export const ClockFields = graphql(`
  fragment ClockFields on SlaClock {
    kind
    state
    target
    startedAt
    dueAt
    budgetMs
    usedMs
    remainingMs
    warning
    breached
    paused
    met
  }
`);

/** What a queue row or a dashboard card shows of an incident. */
export const IncidentSummaryFields = graphql(
  `
    fragment IncidentSummaryFields on Incident {
      id
      summary
      severity
      status
      breached
      emergencyActive
      emergencyKind
      reportedAt
      nextDueAt
      managementLevel
      supportTier
      assignedCentreId
      allowedTransitions
      customer {
        id
        name
      }
      site {
        id
        name
        timeZone
      }
      device {
        id
        serialNumber
        model
      }
      clocks {
        ...ClockFields
      }
    }
  `,
  [ClockFields],
);

export const OPEN_STATUSES = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'ON_SITE', 'AWAITING_PARTS', 'AWAITING_CUSTOMER', 'RESTORED'] as const;

export const OpenIncidentsQuery = graphql(
  `
    query OpenIncidents($filter: IncidentFilter!, $first: Int!) {
      incidents(filter: $filter, first: $first) {
        edges {
          node {
            ...IncidentSummaryFields
          }
        }
      }
    }
  `,
  [IncidentSummaryFields],
);

export const IncidentUpdatesSubscription = graphql(
  `
    subscription IncidentUpdates {
      incidentUpdated {
        kind
        message
        at
        clock
        incident {
          ...IncidentSummaryFields
        }
      }
    }
  `,
  [IncidentSummaryFields],
);

export const RmaUpdatesSubscription = graphql(`
  subscription RmaUpdates {
    rmaUpdated {
      id
      number
      status
      overdue
      loanerCompliance
      loanerDeliveredAt
    }
  }
`);
