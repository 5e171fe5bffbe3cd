import { IncidentSummaryFields } from '../shared/documents';
import { graphql } from '../shared/graphql';

export const ConsoleReferenceQuery = graphql(`
  query ConsoleReference {
    customers {
      id
      name
    }
    supportCentres {
      id
      code
      name
      tier
    }
  }
`);

export const AcknowledgeMutation = graphql(
  `
    mutation Acknowledge($id: ID!, $note: String) {
      acknowledgeIncident(id: $id, note: $note) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const AssignMutation = graphql(
  `
    mutation Assign($id: ID!, $centreId: ID, $supportTier: Int) {
      assignIncident(id: $id, centreId: $centreId, supportTier: $supportTier) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const ChangeSeverityMutation = graphql(
  `
    mutation ChangeSeverity($id: ID!, $severity: Severity!, $reason: String!) {
      changeIncidentSeverity(id: $id, severity: $severity, reason: $reason) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const PostProgressMutation = graphql(
  `
    mutation PostProgress($id: ID!, $message: String!) {
      postIncidentProgress(id: $id, message: $message) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const RecordDiagnosisMutation = graphql(
  `
    mutation RecordDiagnosis($id: ID!, $input: DiagnosisInput!) {
      recordDiagnosis(id: $id, input: $input) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const TransitionMutation = graphql(
  `
    mutation Transition($id: ID!, $to: IncidentStatus!, $note: String) {
      transitionIncident(id: $id, to: $to, note: $note) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const CloseWithConsentMutation = graphql(
  `
    mutation CloseWithConsent($id: ID!, $consentReference: String!, $note: String) {
      closeIncidentWithConsent(id: $id, consentReference: $consentReference, note: $note) {
        ...IncidentSummaryFields
      }
    }
  `,
  [IncidentSummaryFields],
);

export const IncidentPageQuery = graphql(
  `
    query IncidentPage($id: ID!, $ref: String!) {
      incident(id: $id) {
        ...IncidentSummaryFields
        description
        channel
        reportedBy
        acknowledgedAt
        restoredAt
        nextProgressDueAt
        diagnosis {
          cause
          findings
          actions
        }
        contract {
          id
          code
          name
          kind
          timeZone
          coverage {
            type
          }
        }
        device {
          id
          vendor
          warrantyEnd
        }
        timeline {
          id
          seq
          at
          type
          actor
          message
        }
        escalations {
          id
          at
          kind
          fromValue
          toValue
          reason
        }
        monitoringClearedAt
        notifications {
          id
          createdAt
          cause
          channel
          recipientName
          status
          lastError
        }
      }
      reservations(filter: { incidentId: $ref }, first: 20) {
        edges {
          node {
            id
            partNumber
            quantity
            status
            holdUntil
            deliveryDeadline
            depot {
              id
              code
            }
          }
        }
      }
      loans(filter: { incidentId: $ref }, first: 5) {
        edges {
          node {
            id
            status
            dueBackAt
            overdue
            loaner {
              id
              serialNumber
              model
            }
          }
        }
      }
    }
  `,
  [IncidentSummaryFields],
);

export const DeviceRmasQuery = graphql(`
  query DeviceRmas($serial: String!) {
    rmas(filter: { serial: $serial }, first: 10) {
      edges {
        node {
          id
          number
          status
          loanerCompliance
          overdue
        }
      }
    }
  }
`);

export const RmaBoardQuery = graphql(`
  query RmaBoard {
    rmas(
      first: 40
      filter: { status: [REQUESTED, APPROVED, ADVANCE_REPLACEMENT_SHIPPED, AWAITING_DEFECTIVE_RETURN, RECEIVED, IN_REPAIR, REPAIRED] }
    ) {
      edges {
        node {
          id
          number
          serialNumber
          status
          problem
          overdue
          loanerRequired
          loanerDeadline
          loanerDueAt
          loanerDeliveredAt
          loanerCompliance
          dispositionReason
          referenceRmaId
          customer {
            id
            name
          }
          site {
            id
            timeZone
          }
        }
      }
    }
  }
`);

export const DepotsQuery = graphql(`
  query Depots {
    depots {
      id
      code
      name
      city
    }
    stockLevels(filter: { belowReorderPoint: true }) {
      id
      partNumber
      condition
      onHand
      reserved
      available
      reorderPoint
      depot {
        id
        code
      }
    }
    stockAlerts(filter: { status: OPEN }, first: 30) {
      edges {
        node {
          id
          kind
          message
          raisedAt
          depot {
            id
            code
          }
        }
      }
    }
    reservations(first: 30) {
      edges {
        node {
          id
          partNumber
          quantity
          status
          incidentId
          rmaNumber
          holdUntil
          depot {
            id
            code
          }
        }
      }
    }
    transfers {
      id
      status
      quantity
      partNumber
      fromDepot {
        id
        code
      }
      toDepot {
        id
        code
      }
    }
    loaners {
      id
      serialNumber
      model
      state
      depot {
        id
        code
      }
    }
  }
`);

export const ComplaintsQuery = graphql(`
  query OpenComplaints {
    complaints(filter: { status: [OPEN, REPLIED] }, first: 30) {
      edges {
        node {
          id
          summary
          category
          status
          filedAt
          firstRepliedAt
          firstReplyDueAt
          firstReplyTarget
          resolutionDueAt
          customer {
            id
            name
          }
        }
      }
    }
  }
`);

export const ReplyComplaintMutation = graphql(`
  mutation ReplyComplaint($id: ID!, $message: String!) {
    replyToComplaint(id: $id, message: $message) {
      id
      status
      firstRepliedAt
    }
  }
`);

export const InspectionsQuery = graphql(`
  query InspectionsDue($to: String!) {
    due: inspections(filter: { status: [SCHEDULED], to: $to }, first: 20) {
      edges {
        node {
          id
          label
          scheduledDate
          visitDueAt
          visitOverdue
          customer {
            id
            name
          }
          site {
            id
            name
            timeZone
          }
        }
      }
    }
    overdue: inspections(filter: { overdue: true }, first: 20) {
      edges {
        node {
          id
          label
          status
          reportDueAt
          reportOverdue
          visitOverdue
          customer {
            id
            name
          }
          site {
            id
            name
            timeZone
          }
        }
      }
    }
  }
`);

export const DeadLettersQuery = graphql(`
  query DeadLetters {
    deadLetters(first: 50) {
      id
      topic
      partition
      offset
      type
      source
      reason
      receivedAt
    }
  }
`);

/** Monitoring alerts no device matched, with who sent them (connectors) and whose they are (customers), all staff-only. */
export const UnmatchedAlertsQuery = graphql(`
  query UnmatchedAlerts($includeLinked: Boolean) {
    unmatchedAlerts(first: 50, includeLinked: $includeLinked) {
      totalCount
      edges {
        node {
          id
          connectorId
          customerId
          deviceRef
          severity
          summary
          fields
          count
          resolved
          firstSeenAt
          lastSeenAt
          linkedDeviceId
          linkedIncidentId
          linkedAt
          linkedBy
        }
      }
    }
    alertConnectors {
      id
      name
      format
    }
    customers {
      id
      name
    }
  }
`);

export const CustomerDevicesQuery = graphql(`
  query CustomerDevices($customerId: ID!) {
    devices(customerId: $customerId) {
      id
      serialNumber
      model
      site {
        id
        name
      }
    }
  }
`);

export const LinkUnmatchedAlertMutation = graphql(`
  mutation LinkUnmatchedAlert($id: ID!, $deviceId: ID!) {
    linkUnmatchedAlert(id: $id, deviceId: $deviceId) {
      id
      linkedDeviceId
      linkedIncidentId
      linkedAt
      linkedBy
    }
  }
`);

export const StockAlertsSubscription = graphql(`
  subscription DepotStockAlerts($depotId: ID!) {
    stockAlert(depotId: $depotId) {
      id
      kind
      status
    }
  }
`);

export const LoanerUpdatesSubscription = graphql(`
  subscription LoanerUpdates {
    loanerUpdated {
      id
      state
    }
  }
`);

export const IncidentPageUpdatesSubscription = graphql(`
  subscription IncidentPageUpdates($incidentId: ID!) {
    incidentUpdated(incidentId: $incidentId) {
      kind
      at
    }
  }
`);
