import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/i18n';
import '../shared/styles.css';
import { SessionGate } from '../shared/Session';
import { Console } from './Console';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionGate storageKey="hub.console.apiKey" titleKey="console.title" allowed={['OPERATOR', 'ADMIN']}>
      {() => <Console />}
    </SessionGate>
  </StrictMode>,
);
