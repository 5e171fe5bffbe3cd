import { TICKET_STATES } from './store';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': json(ref('Error'), 'Bad input'),
  '401': json(ref('Error'), 'Missing or wrong credentials'),
  '404': json(ref('Error'), 'No such record'),
};
const query = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });

/** The ITSM's own OpenAPI 3 document: the only thing the gateway knows about this system. */
export function itsmOpenApi(serverUrl: string) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Customer ITSM (example)',
      version: '1.0.0',
      description: 'A small ITSM/CMDB table API: configuration items, tickets with comments, and a change journal.',
    },
    servers: [{ url: serverUrl }],
    security: [{ basicAuth: [] }, { bearerAuth: [] }],
    paths: {
      '/api/cmdb/items': {
        get: {
          operationId: 'listConfigurationItems',
          summary: 'Configuration items, filtered',
          parameters: [
            query('serialNumber', 'Only these serial numbers (comma-separated)'),
            query('company', 'Only this company'),
            query('updatedSince', 'Only items updated after this ISO time'),
          ],
          responses: { '200': json({ type: 'array', items: ref('ConfigurationItem') }), ...errors },
        },
      },
      '/api/cmdb/items/{serialNumber}': {
        get: {
          operationId: 'configurationItem',
          summary: 'One configuration item by serial number',
          parameters: [path('serialNumber', 'Serial number of the unit')],
          responses: { '200': json(ref('ConfigurationItem')), ...errors },
        },
      },
      '/api/tickets': {
        get: {
          operationId: 'listTickets',
          summary: 'Tickets, oldest change first',
          parameters: [
            query('updatedSince', 'Only tickets changed after this ISO time'),
            query('state', 'Only tickets in this state', ref('TicketState')),
            query('correlationId', 'Only tickets linked to this external id (e.g. a hub incident id)'),
            query('assignmentGroup', 'Only tickets of this group'),
            query('limit', 'At most this many (default 100)', { type: 'integer', minimum: 1, maximum: 500 }),
          ],
          responses: { '200': json({ type: 'array', items: ref('Ticket') }), ...errors },
        },
        post: {
          operationId: 'createTicket',
          summary: 'Opens a ticket',
          requestBody: { required: true, content: { 'application/json': { schema: ref('TicketInput') } } },
          responses: { '201': json(ref('Ticket'), 'Created'), ...errors },
        },
      },
      '/api/tickets/{number}': {
        get: {
          operationId: 'ticket',
          summary: 'One ticket with its comments',
          parameters: [path('number', 'Ticket number, e.g. INC0000001')],
          responses: { '200': json(ref('Ticket')), ...errors },
        },
        patch: {
          operationId: 'updateTicket',
          summary: 'Changes state, assignment, text or satisfaction; every change lands in the journal',
          parameters: [path('number', 'Ticket number')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('TicketPatch') } } },
          responses: { '200': json(ref('Ticket')), ...errors },
        },
      },
      '/api/tickets/{number}/comments': {
        post: {
          operationId: 'addTicketComment',
          summary: 'Adds a comment (work note) to a ticket',
          parameters: [path('number', 'Ticket number')],
          requestBody: { required: true, content: { 'application/json': { schema: ref('CommentInput') } } },
          responses: { '201': json(ref('TicketComment'), 'Created'), ...errors },
        },
      },
      '/api/changes': {
        get: {
          operationId: 'listTicketChanges',
          summary: 'The change journal: every create, field change and comment, in order',
          parameters: [
            query('since', 'Changes after this ISO time'),
            query('afterSeq', 'Changes after this sequence number (an exact cursor)', { type: 'integer', minimum: 0 }),
            query('limit', 'At most this many (default 500)', { type: 'integer', minimum: 1, maximum: 1000 }),
          ],
          responses: { '200': json({ type: 'array', items: ref('TicketChange') }), ...errors },
        },
      },
    },
    components: {
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic' },
        bearerAuth: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, detail: { type: 'string' } } },
        ConfigurationItem: {
          type: 'object',
          required: ['sysId', 'serialNumber', 'name', 'company', 'location', 'ownerTeam', 'onCall', 'status', 'updatedAt'],
          properties: {
            sysId: { type: 'string' },
            serialNumber: { type: 'string' },
            name: { type: 'string', description: 'Host or asset name' },
            company: { type: 'string' },
            location: { type: 'string', description: 'Site, room and rack' },
            ownerTeam: { type: 'string', description: 'The team that owns the unit' },
            onCall: { type: 'string', description: 'Who to call for this unit now' },
            status: { type: 'string' },
            updatedAt: { type: 'string', format: 'date-time' },
          },
        },
        TicketState: { type: 'string', enum: [...TICKET_STATES] },
        TicketComment: {
          type: 'object',
          required: ['id', 'author', 'body', 'createdAt'],
          properties: {
            id: { type: 'string' },
            author: { type: 'string' },
            body: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
          },
        },
        Ticket: {
          type: 'object',
          required: ['sysId', 'number', 'shortDescription', 'state', 'priority', 'openedAt', 'updatedAt', 'comments'],
          properties: {
            sysId: { type: 'string' },
            number: { type: 'string' },
            shortDescription: { type: 'string' },
            description: { type: 'string', nullable: true },
            state: ref('TicketState'),
            priority: { type: 'integer', minimum: 1, maximum: 5 },
            assignmentGroup: { type: 'string', nullable: true },
            configurationItem: { type: 'string', nullable: true, description: 'Serial number of the affected unit' },
            correlationId: { type: 'string', nullable: true, description: 'Id of the same case in another system' },
            satisfaction: {
              type: 'integer',
              minimum: 1,
              maximum: 5,
              nullable: true,
              description: "The customer's rating given when it confirms the ticket closed",
            },
            openedAt: { type: 'string', format: 'date-time' },
            updatedAt: { type: 'string', format: 'date-time' },
            comments: { type: 'array', items: ref('TicketComment') },
          },
        },
        TicketInput: {
          type: 'object',
          required: ['shortDescription'],
          properties: {
            shortDescription: { type: 'string', minLength: 1, maxLength: 160 },
            description: { type: 'string', maxLength: 4000 },
            state: ref('TicketState'),
            priority: { type: 'integer', minimum: 1, maximum: 5 },
            assignmentGroup: { type: 'string' },
            configurationItem: { type: 'string' },
            correlationId: { type: 'string' },
          },
        },
        TicketPatch: {
          type: 'object',
          properties: {
            shortDescription: { type: 'string', minLength: 1, maxLength: 160 },
            description: { type: 'string', maxLength: 4000 },
            state: ref('TicketState'),
            priority: { type: 'integer', minimum: 1, maximum: 5 },
            assignmentGroup: { type: 'string' },
            correlationId: { type: 'string' },
            satisfaction: { type: 'integer', minimum: 1, maximum: 5, description: 'Rating given when confirming closure' },
          },
        },
        CommentInput: {
          type: 'object',
          required: ['author', 'body'],
          properties: { author: { type: 'string', minLength: 1, maxLength: 120 }, body: { type: 'string', minLength: 1, maxLength: 4000 } },
        },
        TicketChange: {
          type: 'object',
          required: ['seq', 'ticketNumber', 'field', 'changedBy', 'changedAt'],
          properties: {
            seq: { type: 'integer' },
            ticketNumber: { type: 'string' },
            field: { type: 'string', description: 'created, comment, or the changed field' },
            oldValue: { type: 'string', nullable: true },
            newValue: { type: 'string', nullable: true },
            changedBy: { type: 'string' },
            changedAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  };
}
