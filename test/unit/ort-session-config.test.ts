// Session config entries a load can be given from the page's URL (`?ort-config=`) so their effect
// on the load's memory and speed can be measured, passed to onnxruntime-web as its `extra` options.
import { describe, expect, it } from 'vitest';
import { ortOverridesFromQuery, sessionOptionsFor } from '../../src/lib/engines/transformers/ort-setup';

describe('ort-config', () => {
  it('reads the known entries from the query and ignores others', () => {
    expect(ortOverridesFromQuery('?ort-config=session.disable_prepacking,session.use_env_allocators,session.bogus')).toEqual({
      sessionConfig: ['session.disable_prepacking', 'session.use_env_allocators'],
    });
    expect(ortOverridesFromQuery('?ort-config=')).toEqual({});
  });

  it('passes them as onnxruntime-web extra options, nested by their prefix, and none by default', () => {
    expect(sessionOptionsFor(ortOverridesFromQuery('?ort-opt=extended&ort-config=session.disable_prepacking,session.use_device_allocator_for_initializers'))).toEqual({
      graphOptimizationLevel: 'extended',
      extra: { session: { disable_prepacking: '1', use_device_allocator_for_initializers: '1' } },
    });
    expect(sessionOptionsFor(undefined)).toEqual({ graphOptimizationLevel: 'all' });
  });
});
