import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import { ApiError, errorText, getJson, request, sendJson, type ProblemView } from '../api.ts';
import { Link } from '../Link.tsx';
import { problemsOf, variablesByBlock } from './analysis.ts';
import { BLOCKS, type BlockType } from './blocks.ts';
import { BlockNodeView } from './BlockNodeView.tsx';
import { CanvasContext } from './context.ts';
import {
  botFromDoc,
  connect,
  docFromBot,
  needsLayout,
  portsOf,
  removeBlocks,
  renameBlock,
  setAt,
  updateBlock,
  type BlockNode,
  type Doc,
  type RawBlock,
} from './graph.ts';
import { useHistory } from './history.ts';
import { Inspector } from './Inspector.tsx';
import { autoLayout, NODE_WIDTH } from './layout.ts';
import { Palette } from './Palette.tsx';
import { Preview } from './Preview.tsx';
import { emptyValue } from './zod-walk.ts';
import { useDirectory } from './use-directory.ts';
import { Versions } from './Versions.tsx';

const NODE_TYPES = { block: BlockNodeView };
const EMPTY: Doc = { meta: { id: '' }, nodes: [], edges: [] };

function newDoc(botId: string): Doc {
  const query = new URLSearchParams(location.search);
  const locale = query.get('locale') === 'ja' ? 'ja' : 'en';
  return { meta: { renkei: 1, id: botId, name: query.get('name') || botId, locale }, nodes: [], edges: [] };
}

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download starts asynchronously; the URL must outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function withLayout(doc: Doc): Promise<Doc> {
  return needsLayout(doc) ? autoLayout(doc) : doc;
}

export default function BuilderPage({ botId }: { botId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language.startsWith('ja') ? 'ja' : 'en';
  const history = useHistory<Doc>(EMPTY);
  const { reset } = history;
  const doc = history.present;
  const [loaded, setLoaded] = useState(0);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [serverProblems, setServerProblems] = useState<readonly ProblemView[]>([]);
  const [providers, setProviders] = useState<Record<string, string>>({});
  const [previewPath, setPreviewPath] = useState<string[]>([]);
  const [panel, setPanel] = useState<'preview' | 'versions' | null>(null);
  const [versionsKey, setVersionsKey] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);
  const dragging = useRef(false);
  const flow = useRef<ReactFlowInstance<BlockNode, Edge> | null>(null);
  // A new block may land outside the view: show every block again once it is drawn.
  const fitSoon = () => setTimeout(() => void flow.current?.fitView({ maxZoom: 1 }), 50);
  const directory = useDirectory();

  const load = useCallback(
    async (version?: number) => {
      try {
        let wanted = version;
        if (wanted === undefined) {
          const { items } = await getJson<{ items: { version: number }[] }>(`/bots/${encodeURIComponent(botId)}/versions`);
          wanted = items[0]?.version;
        }
        const text = await (await request(`/bots/${encodeURIComponent(botId)}/source?version=${wanted}`)).text();
        reset(await withLayout(docFromBot(parse(text) as Record<string, unknown>)));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) reset(newDoc(botId));
        else setStatus({ kind: 'error', text: errorText(err) });
      }
      setLoaded((n) => n + 1);
    },
    [botId, reset],
  );

  useEffect(() => {
    void load();
    getJson<{ items: { role: string; provider: string; enabled: boolean }[] }>('/integrations')
      .then(({ items }) => setProviders(Object.fromEntries(items.map((i) => [i.role, i.enabled ? i.provider : `${i.provider} (off)`]))))
      .catch(() => setProviders({}));
    // Once per bot: `load` changes only with it.
  }, [botId, load]);

  const bot = useMemo(() => botFromDoc(doc), [doc]);
  const localProblems = useMemo(() => (doc.nodes.length === 0 ? [] : problemsOf(bot, locale)), [bot, doc.nodes.length, locale]);
  const variables = useMemo(() => variablesByBlock(bot), [bot]);
  // The server reports in English what the local check may already say in Japanese: the same problem is its code, block and field.
  const allProblems = useMemo(
    () => [...localProblems, ...serverProblems.filter((s) => !localProblems.some((l) => l.code === s.code && l.block === s.block && l.field === s.field))],
    [localProblems, serverProblems],
  );
  const problemsByBlock = useMemo(() => {
    const map = new Map<string, ProblemView[]>();
    for (const p of allProblems) if (p.block !== null) map.set(p.block, [...(map.get(p.block) ?? []), p]);
    return map;
  }, [allProblems]);
  const botProblems = allProblems.filter((p) => p.block === null);

  const selected = doc.nodes.find((n) => n.selected);
  // Opening or closing a side panel resizes the canvas: fit the blocks to it again.
  useEffect(() => {
    fitSoon();
  }, [panel]);
  const pathSet = useMemo(() => new Set(previewPath), [previewPath]);
  const edges = useMemo(() => {
    const taken = new Set<string>();
    for (let i = 0; i + 1 < previewPath.length; i++) taken.add(`${previewPath[i]}→${previewPath[i + 1]}`);
    return doc.edges.map((e): Edge => (taken.has(`${e.source}→${e.target}`) ? { ...e, className: 'on-path', animated: true } : e));
  }, [doc.edges, previewPath]);

  // --- canvas events -------------------------------------------------------------------------
  const onNodesChange = useCallback(
    (changes: NodeChange<BlockNode>[]) => {
      const moving = changes.some((c) => c.type === 'position' && c.dragging);
      if (moving && !dragging.current) history.checkpoint();
      dragging.current = moving;
      const kept = changes.filter((c) => c.type !== 'remove');
      history.replace((d) => ({ ...d, nodes: applyNodeChanges(kept, [...d.nodes]) }));
    },
    [history],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const kept = changes.filter((c) => c.type !== 'remove');
      history.replace((d) => ({ ...d, edges: applyEdgeChanges(kept, [...d.edges]) }));
    },
    [history],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.sourceHandle && c.source !== c.target) history.commit((d) => connect(d, c.source, c.sourceHandle!, c.target));
    },
    [history],
  );

  const deleteSelection = useCallback(() => {
    history.commit((d) => {
      const ids = new Set(d.nodes.filter((n) => n.selected).map((n) => n.id));
      const edgeIds = new Set(d.edges.filter((e) => e.selected).map((e) => e.id));
      return ids.size === 0 && edgeIds.size === 0 ? d : removeBlocks(d, ids, edgeIds);
    });
  }, [history]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) history.redo();
        else history.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        history.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        deleteSelection();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [history, deleteSelection]);

  // --- edits -----------------------------------------------------------------------------------
  const addBlock = (type: BlockType) => {
    history.commit((d) => {
      const prefix = type.replace('.', '_');
      let n = 1;
      while (d.nodes.some((node) => node.id === `${prefix}_${n}`)) n++;
      const id = `${prefix}_${n}`;
      const block = { ...(emptyValue(BLOCKS[type].schema) as Record<string, unknown>), type } as RawBlock;
      const i = d.nodes.length;
      const node: BlockNode = {
        id,
        type: 'block',
        position: { x: 40 + (i % 4) * (NODE_WIDTH + 60), y: 40 + Math.floor(i / 4) * 220 },
        data: { block, advanced: [] },
        width: NODE_WIDTH,
        selected: true,
      };
      const meta = d.meta.start === undefined ? { ...d.meta, start: id } : d.meta;
      return { meta, nodes: [...d.nodes.map((m) => (m.selected ? { ...m, selected: false } : m)), node], edges: d.edges };
    });
    fitSoon();
  };

  const onField = (id: string) => (path: readonly (string | number)[], value: unknown) =>
    history.commit((d) => {
      const next = updateBlock(d, id, (data) => ({ ...data, block: setAt(data.block, path, value) }));
      // A removed choice option or rule takes its connection with it.
      const node = next.nodes.find((n) => n.id === id);
      const ports = new Set(node ? portsOf(node.data.block, node.data.advanced).map((p) => p.id) : []);
      return { ...next, edges: next.edges.filter((e) => e.source !== id || ports.has(e.sourceHandle ?? '')) };
    }, `${id}:${path.join('.')}`);

  const onAdvanced = (id: string) => (port: string, on: boolean) =>
    history.commit((d) => {
      const next = updateBlock(d, id, (data) => ({
        ...data,
        advanced: on ? [...data.advanced.filter((p) => p !== port), port] : data.advanced.filter((p) => p !== port),
      }));
      return on ? next : connect(next, id, `ports.${port}`, null);
    });

  // --- files and server --------------------------------------------------------------------------
  const yamlText = () => stringify(botFromDoc(history.current.current));

  async function save(): Promise<boolean> {
    setStatus(null);
    try {
      const res = await (await request(`/bots/${encodeURIComponent(botId)}`, { method: 'PUT', text: yamlText() })).json();
      const saved = res as { version: number };
      setServerProblems([]);
      setStatus({ kind: 'ok', text: t('builder.saved', { version: saved.version }) });
      setVersionsKey((k) => k + 1);
      return true;
    } catch (err) {
      if (err instanceof ApiError) setServerProblems(err.problems);
      setStatus({ kind: 'error', text: errorText(err) });
      return false;
    }
  }

  async function publish() {
    if (!(await save())) return;
    try {
      const res = await sendJson<{ version: number }>(`/bots/${encodeURIComponent(botId)}/publish`, {});
      setStatus({ kind: 'ok', text: t('builder.published', { version: res.version }) });
      setVersionsKey((k) => k + 1);
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    }
  }

  async function arrange() {
    try {
      const laid = await autoLayout(history.current.current);
      history.commit(() => laid);
      setLoaded((n) => n + 1);
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    }
  }

  async function importFile(file: File) {
    try {
      const raw = parse(await file.text()) as Record<string, unknown>;
      // Laid out before it is shown: a block without a position cannot be drawn.
      const imported = await withLayout(docFromBot(raw));
      history.commit(() => ({ ...imported, meta: { ...imported.meta, id: botId } }));
      setLoaded((n) => n + 1);
      setStatus({ kind: 'ok', text: t('builder.imported', { name: file.name }) });
    } catch (err) {
      setStatus({ kind: 'error', text: errorText(err) });
    }
  }

  const info = useMemo(() => ({ start: doc.meta.start, problems: problemsByBlock, providers, path: pathSet }), [doc.meta.start, problemsByBlock, providers, pathSet]);

  return (
    <div className="builder">
      <div className="toolbar" role="toolbar" aria-label={t('builder.toolbar')}>
        <strong className="bot-id">{botId}</strong>
        <button type="button" onClick={() => void save()}>
          {t('builder.saveDraft')}
        </button>
        <button type="button" onClick={() => void publish()}>
          {t('builder.publish')}
        </button>
        <button type="button" onClick={history.undo} aria-keyshortcuts="Control+Z">
          {t('builder.undo')}
        </button>
        <button type="button" onClick={history.redo} aria-keyshortcuts="Control+Shift+Z">
          {t('builder.redo')}
        </button>
        <button type="button" onClick={() => void arrange()}>
          {t('builder.autoLayout')}
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          {t('builder.import')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml,.json"
          hidden
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importFile(file);
            e.target.value = '';
          }}
        />
        <button type="button" onClick={() => download(`${botId}.yaml`, yamlText())}>
          {t('builder.export')}
        </button>
        <button type="button" aria-pressed={panel === 'versions'} onClick={() => setPanel(panel === 'versions' ? null : 'versions')}>
          {t('builder.versions')}
        </button>
        <button type="button" aria-pressed={panel === 'preview'} onClick={() => setPanel(panel === 'preview' ? null : 'preview')}>
          {t('builder.preview')}
        </button>
        <Link to={`/bots/${encodeURIComponent(botId)}/appearance`}>{t('appearance.link')}</Link>
        <Link to={`/bots/${encodeURIComponent(botId)}/analytics`}>{t('builder.analytics')}</Link>
        <span className="problem-count" data-errors={allProblems.filter((p) => p.severity === 'error').length}>
          {t('builder.problemCount', { count: allProblems.filter((p) => p.severity === 'error').length })}
        </span>
      </div>
      {status && (
        <p className={`status ${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      {botProblems.length > 0 && (
        <ul className="bot-problems" role="alert">
          {botProblems.map((p, i) => (
            <li key={i}>
              {p.field ? `${p.field}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <div className="builder-body">
        <Palette providers={providers} onAdd={addBlock} />
        <div className="canvas" data-testid="canvas">
          <CanvasContext.Provider value={info}>
            <ReactFlow
              key={loaded}
              nodes={doc.nodes as BlockNode[]}
              edges={edges}
              nodeTypes={NODE_TYPES}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onInit={(instance) => (flow.current = instance)}
              deleteKeyCode={null}
              fitView
              fitViewOptions={{ maxZoom: 1 }}
              minZoom={0.2}
            >
              <Background />
              <Controls />
            </ReactFlow>
          </CanvasContext.Provider>
        </div>
        {selected ? (
          <Inspector
            key={selected.id}
            doc={doc}
            node={selected}
            problems={problemsByBlock.get(selected.id) ?? []}
            variables={variables.get(selected.id) ?? []}
            choices={directory.choices}
            notes={directory.notes}
            onField={onField(selected.id)}
            onRename={(to) => {
              if (history.current.current.nodes.some((n) => n.id === to)) return false;
              history.commit((d) => renameBlock(d, selected.id, to));
              return true;
            }}
            onConnect={(port, target) => history.commit((d) => connect(d, selected.id, port, target))}
            onAdvanced={onAdvanced(selected.id)}
            onStart={() => history.commit((d) => ({ ...d, meta: { ...d.meta, start: selected.id } }))}
            onDelete={() => history.commit((d) => removeBlocks(d, new Set([selected.id])))}
          />
        ) : (
          <aside className="inspector" aria-label={t('builder.botSettings')}>
            <h2>{t('builder.botSettings')}</h2>
            <div className="field">
              <label htmlFor="bot-name">{t('field.name')}</label>
              <input
                id="bot-name"
                value={typeof doc.meta['name'] === 'string' ? doc.meta['name'] : ''}
                onChange={(e) => history.commit((d) => ({ ...d, meta: { ...d.meta, name: e.target.value } }), 'bot:name')}
              />
            </div>
            <div className="field">
              <label htmlFor="bot-locale">{t('field.locale')}</label>
              <select id="bot-locale" value={String(doc.meta['locale'] ?? 'en')} onChange={(e) => history.commit((d) => ({ ...d, meta: { ...d.meta, locale: e.target.value } }))}>
                <option value="en">English (en)</option>
                <option value="ja">日本語 (ja)</option>
              </select>
            </div>
            <p className="hint">{t('builder.selectHint')}</p>
          </aside>
        )}
        {panel === 'preview' && <Preview bot={() => botFromDoc(history.current.current)} nodes={doc.nodes} onPath={setPreviewPath} />}
        {panel === 'versions' && (
          <Versions
            key={versionsKey}
            botId={botId}
            onLoad={(v) => void load(v)}
            onRolledBack={(v) => {
              setStatus({ kind: 'ok', text: t('builder.rolledBack', { version: v }) });
              setVersionsKey((k) => k + 1);
              void load(v);
            }}
          />
        )}
      </div>
    </div>
  );
}
