import { graphql } from '../shared/graphql';

export const AccountQuery = graphql(`
  query DashboardAccount {
    customers {
      id
      name
    }
    devices {
      id
      serialNumber
      model
      site {
        id
        name
      }
    }
    rmas(first: 20) {
      edges {
        node {
          id
          number
          serialNumber
          status
          requestedAt
          overdue
          loanerRequired
          loanerDueAt
          loanerDeliveredAt
          loanerCompliance
          site {
            id
            timeZone
          }
        }
      }
    }
    loans(first: 20) {
      edges {
        node {
          id
          status
          deviceSerial
          rmaNumber
          deliveredAt
          dueBackAt
          overdue
          loaner {
            id
            serialNumber
            model
          }
          device {
            id
            site {
              id
              timeZone
            }
          }
        }
      }
    }
  }
`);

export const RecentTimelineQuery = graphql(`
  query RecentTimeline($filter: IncidentFilter!) {
    incidents(filter: $filter, first: 10) {
      edges {
        node {
          id
          summary
          site {
            id
            timeZone
          }
          timeline {
            id
            at
            type
            message
          }
        }
      }
    }
  }
`);

export const SurveysQuery = graphql(`
  query OpenSurveys {
    satisfactionSurveys(status: ISSUED, first: 10) {
      edges {
        node {
          id
          subjectLabel
          subjectType
          issuedAt
          status
        }
      }
    }
  }
`);

export const ReportFaultMutation = graphql(`
  mutation ReportFault($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      id
      status
    }
  }
`);

export const ConfirmClosureMutation = graphql(`
  mutation ConfirmClosure($id: ID!, $satisfaction: Int, $comment: String) {
    confirmIncidentClosure(id: $id, satisfaction: $satisfaction, comment: $comment) {
      id
      status
      satisfaction
    }
  }
`);

export const FileComplaintMutation = graphql(`
  mutation FileComplaint($input: FileComplaintInput!) {
    fileComplaint(input: $input) {
      id
      status
      firstReplyDueAt
    }
  }
`);

export const AnswerSurveyMutation = graphql(`
  mutation AnswerSurvey($id: ID!, $rating: Int!, $comment: String) {
    answerSatisfactionSurvey(id: $id, rating: $rating, comment: $comment) {
      id
      status
      rating
    }
  }
`);
