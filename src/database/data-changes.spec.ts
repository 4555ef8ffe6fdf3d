import { DataChanges } from './data-changes';

describe(DataChanges.name, () => {
  it('tells listeners of every change, and relays only changes made here', () => {
    const changes = new DataChanges();
    const events: string[] = [];
    changes.subscribe(() => events.push('cache cleared'));
    changes.relayTo(() => events.push('announced'));
    changes.changed();
    expect(events).toEqual(['cache cleared', 'announced']);
    events.length = 0;
    changes.changedElsewhere();
    expect(events).toEqual(['cache cleared']);
  });
});
