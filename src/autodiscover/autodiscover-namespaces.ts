/**
 * XML namespaces of Outlook POX Autodiscover (MS-OXDSCLI) and of the ActiveSync
 * ("mobilesync") Autodiscover command (MS-ASCMD).
 */

/** Request namespace of an Outlook (POX) Autodiscover request. */
export const OUTLOOK_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';

/** Request namespace of an ActiveSync (mobilesync) Autodiscover request. */
export const MOBILESYNC_REQUEST_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';

/** Namespace of the `Autodiscover` root element of every response. */
export const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';

/** Namespace of the Outlook `Response` element (and its AcceptableResponseSchema value). */
export const OUTLOOK_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

/** Namespace of the mobilesync `Response` element (and its AcceptableResponseSchema value). */
export const MOBILESYNC_RESPONSE_NS =
  'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

/** The request namespaces we read an address from. */
export const REQUEST_NAMESPACES: readonly string[] = [OUTLOOK_REQUEST_NS, MOBILESYNC_REQUEST_NS];
