import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { hydrate } from '../db/raw-sql';
import { badInput } from '../errors';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Relay connection type for a node class: `XConnection { edges { cursor node } pageInfo totalCount }`. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name = nodeType.name) {
  @ObjectType(`${name}Edge`)
  class EdgeClass {
    @Field() cursor: string;
    @Field(() => nodeType) node: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeClass]) edges: EdgeClass[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int, { description: 'Matching rows in all pages' }) totalCount: number;
  }
  return ConnectionClass;
}

const encodeCursor = (sortValue: string | number, id: string) => Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');

function decodeCursor(cursor: string): [string | number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string') return value as [string, string];
  } catch {
    /* fall through */
  }
  throw badInput('Invalid cursor', { field: 'after' });
}

/** TypeORM's limit on generated column aliases (MySQL's identifier length, with room to spare). */
const MAX_ALIAS_LENGTH = 63;

/**
 * The page's entities. A query of one table's columns is read raw and hydrated by `hydrate`
 * (what TypeORM does, without its per-row walk of relations and joins); anything else, as TypeORM reads it.
 */
function manyOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): Promise<T[]> {
  const { expressionMap } = qb;
  const main = expressionMap.mainAlias;
  const plain =
    main?.hasMetadata &&
    expressionMap.joinAttributes.length === 0 &&
    expressionMap.relationIdAttributes.length === 0 &&
    expressionMap.relationCountAttributes.length === 0 &&
    expressionMap.selects.length === 1 &&
    expressionMap.selects[0].selection === main.name &&
    main.metadata.columns.every((c) => `${main.name}_${c.databaseName}`.length <= MAX_ALIAS_LENGTH);
  if (!plain) return qb.getMany();
  return qb.getRawMany().then((rows) => hydrate(qb.connection.manager, main.metadata.target, rows, `${main.name}_`));
}

/**
 * Keyset pagination ordered by (sortColumn, id). Stable under inserts, and the
 * statement count is the same whatever the page size.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  args: { first?: number | null; after?: string | null },
  options: { sortColumn: string; maxPageSize: number; defaultPageSize?: number; descending?: boolean },
): Promise<Connection<T>> {
  const first = args.first ?? options.defaultPageSize ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > options.maxPageSize)
    throw badInput(`first must be between 0 and ${options.maxPageSize}`, { field: 'first', max: options.maxPageSize });
  const alias = qb.alias;
  const cursor = args.after ? decodeCursor(args.after) : null;
  // Taken before the cursor condition is added; runs beside the page on its own connection.
  const counting = qb.clone().getCount();
  const op = options.descending ? '<' : '>';
  if (cursor) {
    const [sortValue, id] = cursor;
    const sortParam = typeof sortValue === 'string' && /^\d{4}-\d\d-\d\dT/.test(sortValue) ? new Date(sortValue) : sortValue;
    qb.andWhere(
      new Brackets((w) => {
        w.where(`${alias}.${options.sortColumn} ${op} :cursorSort`, { cursorSort: sortParam }).orWhere(
          new Brackets((w2) =>
            w2
              .where(`${alias}.${options.sortColumn} = :cursorSort`, { cursorSort: sortParam })
              .andWhere(`${alias}.id ${op} :cursorId`, { cursorId: id }),
          ),
        );
      }),
    );
  }
  const direction = options.descending ? 'DESC' : 'ASC';
  const [totalCount, rows] = await Promise.all([
    counting,
    manyOf(
      qb
        .orderBy(`${alias}.${options.sortColumn}`, direction)
        .addOrderBy(`${alias}.id`, direction)
        .limit(first + 1),
    ),
  ]);
  const page = rows.slice(0, first);
  const edges = page.map((node) => {
    const raw = (node as Record<string, unknown>)[options.sortColumn];
    const sortValue = raw instanceof Date ? raw.toISOString() : (raw as string | number);
    return { cursor: encodeCursor(sortValue, node.id), node };
  });
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
