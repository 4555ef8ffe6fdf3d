import type { SlotValues } from '../common/document-template';
import type { EmailAddress } from './mailbox';

/** The slot names under which an address goes into a document template. */
const ADDRESS = 'address';
const LOCAL_PART = 'local';
const DOMAIN = 'domain';

/** The address as slot values; other names are not part of an address. */
export function addressSlots(address: EmailAddress, more?: SlotValues): SlotValues {
  return (name) => {
    switch (name) {
      case ADDRESS:
        return address.address;
      case LOCAL_PART:
        return address.localPart;
      case DOMAIN:
        return address.domain;
      default:
        if (more) return more(name);
        throw new RangeError(`Unknown slot: ${name}`);
    }
  };
}

/** The address a renderer sees: real text, or markers while a template is made. */
export function addressFromSlots(value: SlotValues): EmailAddress {
  return { address: value(ADDRESS), localPart: value(LOCAL_PART), domain: value(DOMAIN) };
}
