/**
 * `npm test` runs the e2e project twice, the second time with
 * TEST_HTTP_ADAPTER=express. Suites that do not depend on the adapter, or that cover
 * both adapters themselves, run in the first pass only: `describe` (or the given
 * variant, e.g. a service-gated one) there, `describe.skip` in the Express pass.
 */
export function firstPassOnly(describeIt: jest.Describe = describe): jest.Describe {
  return process.env.TEST_HTTP_ADAPTER === 'express' ? describe.skip : describeIt;
}
