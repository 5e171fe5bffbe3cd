import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/i18n';
import '../shared/styles.css';
import { SessionGate } from '../shared/Session';
import { Dashboard } from './Dashboard';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionGate storageKey="hub.dashboard.apiKey" titleKey="dashboard.title" allowed={['CUSTOMER', 'ADMIN']}>
      {(session) => <Dashboard session={session} />}
    </SessionGate>
  </StrictMode>,
);
