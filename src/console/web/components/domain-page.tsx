import { useEffect, useState } from 'preact/hooks';
import { apiPath, ApiError, callApi, errorMessage } from '../api';
import type { DomainView } from '../api-types';
import { DnsPanel } from './dns-panel';
import { Section } from './fields';
import { FindingsPanel } from './findings-panel';
import { PreviewPanel } from './preview-panel';
import { SettingsEditor } from './settings-editor';

interface Loaded {
  readonly view: DomainView;
  readonly etag: string;
}

/** One domain: its settings, what each client gets, the doctor's findings, its DNS records. */
export function DomainPage({ name }: { readonly name: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** Counts saves: the preview, findings and DNS records reload on each. */
  const [revision, setRevision] = useState(0);
  const path = apiPath(`domains/${encodeURIComponent(name)}`);

  const load = async () => {
    try {
      const answer = await callApi<DomainView>(path);
      if (answer.status === 200 && answer.body !== null) {
        setLoaded({ view: answer.body, etag: answer.etag ?? '' });
        setProblem(null);
      } else if (answer.status === 404) {
        setProblem(`There is no domain named ${name}.`);
      } else if (answer.status !== 401) {
        setProblem(errorMessage(answer));
      }
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : String(error));
    }
  };

  useEffect(() => {
    void load();
    // Once per domain: App keys this page by the name.
  }, []);

  return (
    <article class="domain-page" aria-labelledby="domain-title">
      <p>
        <a href="#/">All domains</a>
      </p>
      <h2 id="domain-title" tabIndex={-1}>
        {loaded?.view.name ?? name}
      </h2>
      {problem !== null && (
        <p role="alert" class="alert">
          {problem}
        </p>
      )}
      {loaded !== null && (
        <>
          <Section id="settings" title="Settings">
            <SettingsEditor
              path={path}
              view={loaded.view}
              etag={loaded.etag}
              onSaved={(view, etag) => {
                setLoaded({ view, etag });
                setRevision((count) => count + 1);
              }}
              onReload={load}
            />
          </Section>
          <Section id="preview" title="Preview">
            <PreviewPanel domain={loaded.view.name} revision={revision} />
          </Section>
          <Section id="doctor" title="Findings">
            <FindingsPanel path={path} revision={revision} />
          </Section>
          <Section id="dns" title="DNS records">
            <DnsPanel path={path} revision={revision} />
          </Section>
        </>
      )}
    </article>
  );
}
