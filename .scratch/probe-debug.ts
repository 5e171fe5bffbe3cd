import { buildClientSchema, getIntrospectionQuery } from 'graphql';
import { probeOperation } from '../test/support/authz-probe';
(async () => {
  const post = async (query: string, variables: unknown = {}) => (await fetch('http://127.0.0.1:4711/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer shk_akiunlcv5ckq_ZPyiijpsbh0B_vr_H20TbXJvrlPxKKEn' }, body: JSON.stringify({ query, variables }) })).json();
  const intro: any = await post(getIntrospectionQuery());
  const schema = buildClientSchema(intro.data);
  for (const depth of [4, 3, 2, 1]) {
    const p = probeOperation(schema, 'query', '_entities', { representations: [{ __typename: 'Customer', id: 'x' }] }, { all: false, depth });
    const r: any = await post(p.document, p.variables);
    console.log(depth, p.document.length, JSON.stringify(r).slice(0, 400));
  }
})();
