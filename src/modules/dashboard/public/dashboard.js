// Live customer dashboard. Plain browser JavaScript, no build step: it talks
// to the hub's GraphQL API over HTTP (Bearer key) and receives incident
// updates over a WebSocket speaking the graphql-ws protocol
// ("graphql-transport-ws"), implemented here in a few lines.
(function () {
  'use strict';

  var KEY_STORAGE = 'hub.dashboard.apiKey';
  var LARGE_STORAGE = 'hub.dashboard.large';
  var OPEN_STATUSES = ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'ON_SITE', 'AWAITING_PARTS', 'AWAITING_CUSTOMER', 'RESTORED'];
  var TERMINAL_RMA = ['RETURNED_TO_CUSTOMER', 'REPLACED', 'REJECTED', 'EXPIRED'];
  var CLOCK_LABEL = { RESPONSE: 'Response', ON_SITE: 'On site', RESTORE: 'Restore' };
  var MAX_UPDATES = 40;

  var INCIDENT_FIELDS =
    'id summary severity status managementLevel supportTier reportedAt breached emergencyActive ' +
    'site { name city } device { serialNumber model } contract { coverage { type label } } ' +
    'clocks { kind state target dueAt remainingMs breached paused met warning } ' +
    'escalations { at kind fromValue toValue reason }';

  // Two requests rather than one: the hub prices a query by its page sizes (cost limit 5000), and
  // a page of 20 incidents with their clocks and escalations is most of that budget.
  var INCIDENTS_QUERY =
    'query OpenIncidents($open: [IncidentStatus!], $after: String) {' +
    ' incidents(filter: { status: $open }, first: 20, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ' + INCIDENT_FIELDS + ' } } }' +
    '}';
  var MAX_INCIDENT_PAGES = 10;

  var ACCOUNT_QUERY =
    'query Account {' +
    ' customers { id code name }' +
    ' rmas(first: 20) { edges { node { number serialNumber status requestedAt loanerRequired loanerDueAt loanerDeliveredAt } } }' +
    ' loans(first: 20) { edges { node { id status deviceSerial rmaNumber deliveredAt dueBackAt overdue loaner { serialNumber model } } } }' +
    '}';

  var UPDATES_SUBSCRIPTION =
    'subscription Updates { incidentUpdated { kind message at clock incident { ' + INCIDENT_FIELDS + ' } } }';

  var state = {
    key: null,
    incidents: new Map(),
    socket: null,
    /** The socket dropped: events may have been missed, so the next connection starts with a full reload. */
    needsReload: false,
    retry: 0,
    reconnectTimer: null,
    refreshTimer: null,
  };

  // ---- tiny DOM helpers (textContent only: summaries are customer text) ----

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (name === 'text') node.textContent = attrs[name];
        else if (name === 'class') node.className = attrs[name];
        else node.setAttribute(name, attrs[name]);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function time(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function clockTime(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400);
    s -= d * 86400;
    var h = Math.floor(s / 3600);
    s -= h * 3600;
    var m = Math.floor(s / 60);
    s -= m * 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + pad(m) + 'm ' + pad(s) + 's';
  }

  // ---- API ----

  function gql(query, variables) {
    return fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + state.key },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (r) {
        if (r.body.errors && r.body.errors.length) {
          var error = new Error(r.body.errors[0].message);
          error.code = r.body.errors[0].extensions && r.body.errors[0].extensions.code;
          throw error;
        }
        return r.body.data;
      });
  }

  function loadIncidents() {
    var found = new Map();
    function page(after, n) {
      return gql(INCIDENTS_QUERY, { open: OPEN_STATUSES, after: after }).then(function (data) {
        data.incidents.edges.forEach(function (e) { found.set(e.node.id, e.node); });
        var info = data.incidents.pageInfo;
        return info.hasNextPage && n < MAX_INCIDENT_PAGES ? page(info.endCursor, n + 1) : found;
      });
    }
    return page(null, 1);
  }

  function load() {
    return Promise.all([gql(ACCOUNT_QUERY), loadIncidents()]).then(function (results) {
      var data = results[0];
      var customer = data.customers[0];
      $('customer-name').textContent = customer && data.customers.length === 1 ? '· ' + customer.name : '';
      state.incidents = results[1];
      renderIncidents();
      renderRmas(data.rmas.edges.map(function (e) { return e.node; }));
      renderLoans(data.loans.edges.map(function (e) { return e.node; }));
      $('footer').textContent = 'Last full refresh ' + time(new Date().toISOString());
    });
  }

  // ---- live updates: graphql-ws protocol over a browser WebSocket ----

  function connect() {
    if (!state.key) return;
    setConnection('connecting');
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
    var socket = new WebSocket(url, 'graphql-transport-ws');
    state.socket = socket;
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey: state.key } }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      switch (message.type) {
        case 'connection_ack':
          state.retry = 0;
          setConnection('live');
          socket.send(JSON.stringify({ id: 'updates', type: 'subscribe', payload: { query: UPDATES_SUBSCRIPTION } }));
          // Whatever happened while the socket was down is in the database: reload once connected.
          if (state.needsReload) load().catch(showError);
          state.needsReload = false;
          break;
        case 'next':
          if (message.payload && message.payload.data) onUpdate(message.payload.data.incidentUpdated);
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'error':
          showError(new Error(message.payload && message.payload[0] ? message.payload[0].message : 'subscription refused'));
          break;
      }
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) return;
      state.socket = null;
      setConnection('offline');
      // 4403: the hub refused the key (revoked). Anything else: reconnect with back-off.
      if (event.code === 4403) return signOut('The API key was refused.');
      if (!state.key) return;
      state.needsReload = true;
      var delay = Math.min(30000, 1000 * Math.pow(2, state.retry++));
      state.reconnectTimer = setTimeout(connect, delay);
    };
  }

  function setConnection(mode) {
    var node = $('connection');
    node.className = 'connection ' + mode;
    node.textContent = mode === 'live' ? 'live' : mode === 'connecting' ? 'connecting…' : 'offline';
  }

  function onUpdate(update) {
    if (!update) return;
    var incident = update.incident;
    if (OPEN_STATUSES.indexOf(incident.status) >= 0) state.incidents.set(incident.id, incident);
    else state.incidents.delete(incident.id);
    renderIncidents();
    var card = document.querySelector('[data-incident="' + incident.id + '"]');
    if (card) {
      card.classList.add('flash');
      setTimeout(function () { card.classList.remove('flash'); }, 1500);
    }
    var list = $('updates');
    list.insertBefore(
      el('li', { 'data-kind': update.kind },
        el('time', { text: clockTime(update.at) }),
        el('span', { class: 'kind ' + update.kind, text: update.kind.replace(/_/g, ' ').toLowerCase() }),
        el('span', { text: incident.summary + ' — ' + update.message })),
      list.firstChild,
    );
    while (list.children.length > MAX_UPDATES) list.removeChild(list.lastChild);
  }

  // ---- rendering ----

  function renderIncidents() {
    var box = $('incidents');
    clear(box);
    var list = Array.from(state.incidents.values()).sort(function (a, b) {
      return a.severity === b.severity ? (a.reportedAt < b.reportedAt ? 1 : -1) : a.severity < b.severity ? -1 : 1;
    });
    list.forEach(function (i) { box.appendChild(incidentCard(i)); });
    $('incident-count').textContent = list.length ? '(' + list.length + ')' : '';
    $('no-incidents').hidden = list.length > 0;
    tick();
  }

  function incidentCard(i) {
    var where = [i.site && i.site.name, i.device && i.device.serialNumber].filter(Boolean).join(' · ');
    var clocks = el('div', { class: 'clocks' });
    (i.clocks || []).forEach(function (c) {
      if (c.state === 'CANCELLED') return;
      clocks.appendChild(
        el('div', {
          class: 'clock',
          'data-state': c.state,
          'data-due': c.dueAt,
          'data-remaining': String(c.remainingMs),
          'data-24x7': i.contract && i.contract.coverage.type === 'SEVEN_BY_24' ? '1' : '0',
          'data-warning': c.warning ? '1' : '0',
        },
          el('span', { class: 'kind', text: CLOCK_LABEL[c.kind] + ' ' + c.target }),
          el('span', { class: 'countdown' }),
          el('span', { class: 'business' })),
      );
    });
    var escalations = (i.escalations || []).slice(-3).map(function (e) {
      return el('li', { text: time(e.at) + ' ' + e.kind.replace(/_/g, ' ').toLowerCase() + ' ' + e.fromValue + ' → ' + e.toValue });
    });
    return el('article', { class: 'card sev-' + i.severity, 'data-incident': i.id, 'data-status': i.status },
      el('div', { class: 'head' },
        el('span', { class: 'summary', text: i.summary }),
        el('span', { class: 'badges' },
          el('span', { class: 'badge', text: i.severity }),
          el('span', { class: 'badge status', text: i.status.replace(/_/g, ' ') }),
          i.breached ? el('span', { class: 'badge breached', text: 'SLA breached' }) : null)),
      el('div', { class: 'meta', text: where + ' · reported ' + time(i.reportedAt) + ' · ' + i.managementLevel.replace(/_/g, ' ').toLowerCase() + ', tier ' + i.supportTier }),
      clocks,
      escalations.length ? el('ul', { class: 'escalations' }, ...escalations) : null);
  }

  /** Countdowns to each running deadline, once a second. */
  function tick() {
    var now = Date.now();
    document.querySelectorAll('.clock').forEach(function (node) {
      var stateName = node.getAttribute('data-state');
      var due = Date.parse(node.getAttribute('data-due'));
      var countdown = node.querySelector('.countdown');
      var business = node.querySelector('.business');
      var left = due - now;
      var cls = 'clock';
      if (stateName === 'MET') {
        countdown.textContent = 'met';
        cls += ' met';
      } else if (stateName === 'PAUSED') {
        countdown.textContent = 'paused (waiting for you)';
        cls += ' paused';
      } else if (stateName === 'BREACHED' || left < 0) {
        countdown.textContent = 'overdue by ' + duration(-left);
        cls += ' breached';
      } else {
        countdown.textContent = duration(left) + ' left · due ' + clockTime(node.getAttribute('data-due'));
        cls += node.getAttribute('data-warning') === '1' || left < 15 * 60000 ? ' warning' : ' running';
      }
      if (stateName === 'RUNNING' || stateName === 'PAUSED') {
        // Business time only runs inside the contract's hours. Under 7x24 it is the time to the deadline;
        // otherwise it is the hub's figure from the last refresh (the page does not know the holidays).
        var remaining = stateName === 'RUNNING' && node.getAttribute('data-24x7') === '1' ? left : Number(node.getAttribute('data-remaining'));
        business.textContent = 'business time left ' + duration(remaining);
      } else business.textContent = '';
      node.className = cls;
    });
  }

  function renderRmas(rmas) {
    var body = $('rmas');
    clear(body);
    rmas
      .slice()
      .sort(function (a, b) { return (TERMINAL_RMA.indexOf(a.status) >= 0) - (TERMINAL_RMA.indexOf(b.status) >= 0); })
      .forEach(function (r) {
        var loaner = r.loanerDeliveredAt ? 'delivered ' + time(r.loanerDeliveredAt) : r.loanerRequired ? 'owed by ' + time(r.loanerDueAt) : '–';
        body.appendChild(el('tr', null, el('td', { text: r.number }), el('td', { text: r.serialNumber }), el('td', { text: r.status.replace(/_/g, ' ') }), el('td', { text: time(r.requestedAt) }), el('td', { text: loaner })));
      });
    $('no-rmas').hidden = rmas.length > 0;
  }

  function renderLoans(loans) {
    var body = $('loans');
    clear(body);
    loans.forEach(function (l) {
      body.appendChild(
        el('tr', null,
          el('td', { text: l.loaner ? l.loaner.model + ' ' + l.loaner.serialNumber : '–' }),
          el('td', { text: l.deviceSerial + (l.rmaNumber ? ' (' + l.rmaNumber + ')' : '') }),
          el('td', { text: l.status.replace(/_/g, ' ') + (l.overdue ? ' · overdue' : '') }),
          el('td', { text: time(l.deliveredAt) }),
          el('td', { text: time(l.dueBackAt) })),
      );
    });
    $('no-loans').hidden = loans.length > 0;
  }

  // ---- sign-in ----

  function showError(error) {
    $('footer').textContent = 'Problem: ' + error.message;
  }

  function show(signedIn) {
    $('sign-in').hidden = signedIn;
    $('board').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
  }

  function start(key) {
    state.key = key;
    return load().then(function () {
      sessionStorage.setItem(KEY_STORAGE, key);
      show(true);
      connect();
      // Business-hours countdowns and new RMAs/loans: a full refresh every minute keeps the wall screen honest.
      clearInterval(state.refreshTimer);
      state.refreshTimer = setInterval(function () { load().catch(showError); }, 60000);
    });
  }

  function signOut(reason) {
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    clearTimeout(state.reconnectTimer);
    clearInterval(state.refreshTimer);
    if (state.socket) {
      var socket = state.socket;
      state.socket = null;
      socket.close(1000, 'signed out');
    }
    setConnection('offline');
    show(false);
    var error = $('sign-in-error');
    error.hidden = !reason;
    error.textContent = reason || '';
  }

  function setLarge(on) {
    // rem sizes follow the root element, so the switch lives there.
    document.documentElement.classList.toggle('large', on);
    $('toggle-large').setAttribute('aria-pressed', on ? 'true' : 'false');
    localStorage.setItem(LARGE_STORAGE, on ? '1' : '0');
  }

  document.addEventListener('DOMContentLoaded', function () {
    var params = new URLSearchParams(location.search);
    setLarge(params.get('large') === '1' || (params.get('large') === null && localStorage.getItem(LARGE_STORAGE) === '1'));
    $('toggle-large').addEventListener('click', function () { setLarge(!document.documentElement.classList.contains('large')); });
    $('sign-out').addEventListener('click', function () { signOut(null); });
    $('sign-in-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var key = $('api-key').value.trim();
      $('sign-in-error').hidden = true;
      start(key).then(function () { $('api-key').value = ''; }).catch(function (error) {
        state.key = null;
        signOut(error.code === 'UNAUTHENTICATED' ? 'That API key is not valid.' : error.message);
      });
    });
    setInterval(tick, 1000);
    var saved = sessionStorage.getItem(KEY_STORAGE);
    if (saved) start(saved).catch(function () { signOut('Please sign in again.'); });
    else show(false);
  });
})();
