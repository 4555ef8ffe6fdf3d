/**
 * `XMLHttpRequest` for Thunderbird's FetchHTTP module. No network: the runner installs
 * a responder per case that answers with the HTTP response our service gave for that
 * case (status, Content-Type, body), or null for "cannot connect". What the real
 * XMLHttpRequest adds is kept: responseXML is parsed only for an XML Content-Type, and
 * is null when the body is not well-formed.
 */
import { parseXmlOrNull } from './dom.mjs';

let responder = () => null;

export function setResponder(respond) {
  responder = respond;
}

const isXml = (contentType) =>
  /^(text|application)\/xml$|\+xml$/i.test((contentType ?? '').split(';')[0].trim());

export class XMLHttpRequest {
  channel = { loadGroup: null, loadFlags: 0 };
  status = 0;
  statusText = '';
  responseURL = '';
  responseText = '';
  responseXML = null;
  timeout = 0;
  #request = { method: 'GET', url: '', headers: {} };
  #responseHeaders = new Map();
  #aborted = false;

  open(method, url) {
    this.#request = { method, url, headers: {} };
  }

  setRequestHeader(name, value) {
    this.#request.headers[name] = value;
  }

  getResponseHeader(name) {
    return this.#responseHeaders.get(name.toLowerCase()) ?? null;
  }

  abort() {
    this.#aborted = true;
  }

  send(body) {
    const response = responder({ ...this.#request, body: body ?? null });
    setImmediate(() => {
      if (this.#aborted) return;
      if (response === null) {
        this.onerror?.({ type: 'error' });
        return;
      }
      this.status = response.status;
      this.statusText = response.statusText ?? '';
      this.responseURL = this.#request.url;
      this.responseText = response.body;
      if (response.contentType) this.#responseHeaders.set('content-type', response.contentType);
      this.responseXML = isXml(response.contentType) ? parseXmlOrNull(response.body) : null;
      this.onload?.({ type: 'load' });
    });
  }
}
