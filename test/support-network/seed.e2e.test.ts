import { startTestHub, type TestHub } from '../support/hub';

describe('demo seed: support network and RMAs', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { SEED_DEMO: 'true' } });
  }, 60_000);
  afterAll(() => t?.stop());

  it('seeds a three-tier chain and a PARTNER key for the tier 1 centre', async () => {
    const { supportCentres } = await t.ok(`{ supportCentres { code tier kafkaSourceId parent { code } } }`);
    expect(supportCentres).toEqual(
      expect.arrayContaining([
        { code: 'T3-OEM-TAC', tier: 3, kafkaSourceId: 'oem.tac', parent: null },
        { code: 'T2-EAST', tier: 2, kafkaSourceId: 'vendor.east', parent: { code: 'T3-OEM-TAC' } },
        { code: 'T1-SH-01', tier: 1, kafkaSourceId: 'partner.sh01', parent: { code: 'T2-EAST' } },
      ]),
    );
    const partner = t.app.demoKeys?.PARTNER;
    expect(partner).toBeTruthy();
    const mine = await t.ok(`{ supportCentres { code } }`, {}, partner);
    expect(mine.supportCentres).toEqual([{ code: 'T1-SH-01' }]);
  });

  it('seeds a returned RMA and a second failure of the same unit, visible to the partner', async () => {
    const { rmas } = await t.ok(
      `{ rmas(first: 10) { edges { node { number status disposition serialNumber referenceRma { number } centre { code } } } } }`,
      {},
      t.app.demoKeys!.PARTNER,
    );
    const nodes = rmas.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ number: 'SH01-RMA-000042', status: 'RETURNED_TO_CUSTOMER', disposition: 'REPAIR' }),
        expect.objectContaining({ status: 'REQUESTED', disposition: 'REPLACE_WITH_NEW', referenceRma: { number: 'SH01-RMA-000042' } }),
      ]),
    );
  });
});
